-- What every tests/nvim script starts with: the plugin on the runtime path
-- (COPYDESK_PLUGIN, the repository root or a copy of its plugin folders),
-- no swap files, and `fail`/`step` that report on stderr (a failure quits
-- Neovim with status 1, after the LSP log).
local M = { TIMEOUT = 30000 }

function M.fail(message)
  io.stderr:write("FAIL: " .. message .. "\n")
  local log = vim.lsp.get_log_path and vim.lsp.get_log_path()
  if log and vim.uv.fs_stat(log) then
    io.stderr:write("LSP log (" .. log .. "):\n" .. table.concat(vim.fn.readfile(log), "\n") .. "\n")
  end
  vim.cmd("cquit! 1")
end

function M.step(message)
  io.stderr:write("step: " .. message .. "\n")
end

function M.buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n")
end

--- Open `path` and wait for diagnostics on it; returns the buffer.
function M.open(path)
  vim.cmd.edit(vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  if not vim.wait(M.TIMEOUT, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 20) then
    M.fail("no copydesk diagnostics for " .. path)
  end
  return bufnr
end

-- As lazy.nvim loads a plugin: its root on 'runtimepath', its plugin/ files
-- sourced (copydesk has none today; a new one would be loaded here too).
vim.opt.runtimepath:prepend(vim.env.COPYDESK_PLUGIN)
for _, file in ipairs(vim.fn.glob(vim.env.COPYDESK_PLUGIN .. "/plugin/**/*.{vim,lua}", false, true)) do
  vim.cmd.source(vim.fn.fnameescape(file))
end
vim.opt.swapfile = false
vim.lsp.set_log_level("warn")

return M
