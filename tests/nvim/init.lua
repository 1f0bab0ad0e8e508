-- Headless Neovim harness for tests/test_lsp_neovim.py: load the shipped
-- editors/neovim/copydesk.lua, open the draft given on the command line,
-- wait for the server's publishDiagnostics and write what Neovim received
-- as JSON, then quit.
local out = os.getenv("COPYDESK_NVIM_OUT")
local shipped = os.getenv("COPYDESK_NVIM_CONFIG")

local function write(payload)
  local f = assert(io.open(out, "w"))
  f:write(vim.fn.json_encode(payload))
  f:close()
end

local original = vim.lsp.handlers["textDocument/publishDiagnostics"]
vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
  original(err, result, ctx, config)
  local bufnr = vim.uri_to_bufnr(result.uri)
  if result.uri ~= vim.uri_from_bufnr(vim.api.nvim_get_current_buf()) then
    return
  end
  local shown = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(shown, { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
                          code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code),
                          source = d.source, severity = d.severity })
  end
  write({ lsp = result.diagnostics, shown = shown, client = ctx.client_id,
          version = vim.version and tostring(vim.version().minor) or "?" })
  vim.schedule(function() vim.cmd("qa!") end)
end

-- Fail loudly rather than hang when the server cannot start or dies.
vim.defer_fn(function()
  write({ error = "timeout waiting for publishDiagnostics" })
  vim.cmd("qa!")
end, 20000)

dofile(shipped).setup({ settings = { copydesk = { debounce = 0 } } })
