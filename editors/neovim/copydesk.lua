-- copydesk for Neovim: source-bias and attribution diagnostics in Markdown
-- and plain-text drafts.  Works with Neovim 0.7 (vim.lsp.start_client) and
-- 0.8+ (vim.lsp.start).
--
-- Use it in one of three ways:
--   1. copy this file to ~/.config/nvim/lua/copydesk.lua and in init.lua:
--        require("copydesk").setup()
--   2. dofile("/path/to/copydesk/editors/neovim/copydesk.lua").setup()
--   3. paste it into init.lua, replacing the final `return M` with `M.setup()`.
--
-- Options (all optional), e.g.
--   require("copydesk").setup({
--     cmd = { "copydesk", "serve" },          -- or { "/path/to/venv/bin/copydesk", "serve" }
--     filetypes = { "markdown", "text" },
--     settings = { copydesk = { debounce = 300, disable = { "loaded-term/regime" } } },
--   })
-- The settings are sent as initializationOptions and answered to
-- workspace/configuration (section "copydesk"); keys as in copydesk.toml.

local M = {}

M.defaults = {
  name = "copydesk",
  cmd = { "copydesk", "serve" },
  filetypes = { "markdown", "text" },
  root_markers = { "copydesk.toml", ".copydesk.toml", "pyproject.toml", ".git" },
  settings = { copydesk = {} },
}

-- Neovim's filetype for .txt is "text"; LSP calls it "plaintext".
function M.language_id(_, filetype)
  if filetype == "text" then
    return "plaintext"
  end
  return filetype
end

local function root_dir(bufnr, markers)
  local name = vim.api.nvim_buf_get_name(bufnr)
  local dir = (name ~= "" and vim.fn.fnamemodify(name, ":p:h")) or vim.fn.getcwd()
  local found = vim.fs and vim.fs.find and vim.fs.find(markers, { path = dir, upward = true })[1]
  if not found then
    for _, marker in ipairs(markers) do
      local f = vim.fn.findfile(marker, dir .. ";")
      if f == "" then
        f = vim.fn.finddir(marker, dir .. ";")
      end
      if f ~= "" then
        found = vim.fn.fnamemodify(f, ":p")
        break
      end
    end
  end
  if found then
    return vim.fn.fnamemodify(found:gsub("/$", ""), ":h")
  end
  return dir
end

function M.client_config(opts, bufnr)
  local root = root_dir(bufnr or 0, opts.root_markers)
  return {
    name = opts.name,
    cmd = opts.cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = root } },
    init_options = opts.settings.copydesk or {},
    settings = opts.settings,
    get_language_id = M.language_id,
    on_attach = opts.on_attach,
    capabilities = opts.capabilities,
  }
end

local clients = {} -- root -> client id (Neovim 0.7 has no vim.lsp.start to reuse clients)

function M.attach(bufnr, opts)
  local config = M.client_config(opts, bufnr)
  if vim.lsp.start then
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  local id = clients[config.root_dir]
  if not id or not vim.lsp.get_client_by_id(id) then
    id = vim.lsp.start_client(config)
    clients[config.root_dir] = id
  end
  if id then
    vim.lsp.buf_attach_client(bufnr, id)
  end
  return id
end

function M.setup(user)
  local opts = vim.tbl_deep_extend("force", {}, M.defaults, user or {})
  M.options = opts
  local group = vim.api.nvim_create_augroup("copydesk", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = opts.filetypes,
    callback = function(args)
      M.attach(args.buf, opts)
    end,
  })
  return M
end

return M
