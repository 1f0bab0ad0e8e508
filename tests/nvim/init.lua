-- Headless Neovim harness for tests/test_lsp_neovim.py: load the shipped
-- editors/neovim/copydesk.lua, open the draft given on the command line,
-- wait for the server's final publishDiagnostics (copydesk/diagnosticsFinal)
-- and write what Neovim received as JSON, then quit.
local out = os.getenv("COPYDESK_NVIM_OUT")
local shipped = os.getenv("COPYDESK_NVIM_CONFIG")

local function write(payload)
  local f = assert(io.open(out, "w"))
  f:write(vim.fn.json_encode(payload))
  f:close()
end

-- Startup progress ($/progress work done): what the server sends, and what
-- Neovim makes of it for a statusline (vim.lsp.util.get_progress_messages).
local progress, statusline = {}, {}
local original_progress = vim.lsp.handlers["$/progress"]
vim.lsp.handlers["$/progress"] = function(err, result, ctx, config)
  local r = original_progress and original_progress(err, result, ctx, config)
  local v = result and result.value or {}
  table.insert(progress, { token = result and result.token, kind = v.kind, title = v.title, message = v.message,
                           percentage = v.percentage })
  for _, m in ipairs(vim.lsp.util.get_progress_messages()) do
    table.insert(statusline, { title = m.title, message = m.message, percentage = m.percentage, done = m.done or false })
  end
  return r
end

-- With fastFirst (the default) a version's first publish may lack the findings
-- that wait for the syntactic parse; the server follows the whole set with
-- copydesk/diagnosticsFinal. Keep every publish, act on the final one.
local published, last = 0, nil
local original = vim.lsp.handlers["textDocument/publishDiagnostics"]
vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, result, ctx, config)
  original(err, result, ctx, config)
  if result.uri == vim.uri_from_bufnr(vim.api.nvim_get_current_buf()) then
    published, last = published + 1, result
  end
end

-- COPYDESK_NVIM_THEN_WRITE / _TEXT: after the first final set, write that file
-- (a rule or config file; Neovim 0.7 cannot watch files for the server, which
-- then polls them) and report the final set that follows instead.
local then_write, then_text = os.getenv("COPYDESK_NVIM_THEN_WRITE"), os.getenv("COPYDESK_NVIM_THEN_TEXT")
local before, polling, first_final = nil, false, nil
local function write_then()
  if then_write and not before and polling and first_final then
    before = first_final
    local f = assert(io.open(then_write, "w"))
    f:write(then_text)
    f:close()
  end
end
-- The server says in its log when its polling has taken stock of the files:
-- an edit before that would not count as a change.
local original_log = vim.lsp.handlers["window/logMessage"]
vim.lsp.handlers["window/logMessage"] = function(err, result, ctx, config)
  if result and result.message and result.message:find("checking %d+ files for changes") then
    polling = true
    write_then()
  end
  return original_log and original_log(err, result, ctx, config)
end
vim.lsp.handlers["copydesk/diagnosticsFinal"] = function(err, result, ctx, config)
  if not last or result.uri ~= last.uri then
    return
  end
  if then_write and not before then
    first_final = last.diagnostics
    write_then()
    return
  end
  local bufnr = vim.uri_to_bufnr(result.uri)
  local shown = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(shown, { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
                          code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code),
                          source = d.source, severity = d.severity })
  end
  local at_diagnostics, diagnostics, count = #progress, last.diagnostics, published
  -- Stay a moment: a progress that began only now would stay on the statusline.
  vim.defer_fn(function()
    write({ lsp = diagnostics, shown = shown, client = ctx.client_id, progress = progress,
            statusline = statusline, progress_at_diagnostics = at_diagnostics, published = count, before = before,
            final_version = result.version, version = vim.version and tostring(vim.version().minor) or "?" })
    vim.cmd("qa!")
  end, 2000)
end

-- Fail loudly rather than hang when the server cannot start or dies.
vim.defer_fn(function()
  write({ error = "timeout waiting for the final publishDiagnostics", published = published })
  vim.cmd("qa!")
end, 20000)

dofile(shipped).setup({ settings = { copydesk = { debounce = 0, pollInterval = tonumber(os.getenv("COPYDESK_NVIM_POLL") or "2000") } } })
