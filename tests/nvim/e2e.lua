-- Driven by tests/nvim_e2e.rs in `nvim --headless --clean`: load the plugin
-- from the repository root, open a post, wait for copydesk's diagnostics, apply the
-- preferred quick fix the way a user does (vim.lsp.buf.code_action), write;
-- then open a second post, run :CopydeskFixAll, write. Any failure exits
-- with status 1 and says why on stderr.

local env = vim.env
local harness = dofile(env.COPYDESK_NVIM_TESTS .. "/harness.lua")
local TIMEOUT, fail, step = harness.TIMEOUT, harness.fail, harness.step

require("copydesk").setup({ cmd = { env.COPYDESK_BIN, "lsp" } })
if vim.fn.exists(":CopydeskFixAll") ~= 2 then
  fail(":CopydeskFixAll is not defined")
end

local function copydesk_diagnostics(bufnr)
  return vim.tbl_filter(function(d)
    return d.source == "copydesk"
  end, vim.diagnostic.get(bufnr))
end

local function buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), "\n")
end

--- Open `path` and wait for copydesk's diagnostics on it.
local function open_checked(path)
  vim.cmd.edit(vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  if not vim.wait(TIMEOUT, function()
    return #copydesk_diagnostics(bufnr) > 0
  end, 20) then
    fail("no copydesk diagnostics for " .. path)
  end
  return bufnr
end

--- Wait until the buffer's text is no longer `before`, then write it.
local function write_when_changed(bufnr, before, what)
  if not vim.wait(TIMEOUT, function()
    return buffer_text(bufnr) ~= before
  end, 20) then
    fail(what .. " did not change the buffer")
  end
  vim.cmd.write()
  step(what .. " applied and written")
end

-- 1. A quick fix, picked like a user would.
local bufnr = open_checked(env.COPYDESK_POST)
local client = vim.lsp.get_clients({ bufnr = bufnr, name = "copydesk" })[1]
if not client then
  fail("copydesk is not attached")
end
step("attached with offset encoding " .. client.offset_encoding)
local wordy
for _, d in ipairs(copydesk_diagnostics(bufnr)) do
  if d.code == "concise/wordy-phrase" then
    wordy = d
  end
end
if not wordy then
  fail("no concise/wordy-phrase diagnostic")
end
vim.api.nvim_win_set_cursor(0, { wordy.lnum + 1, wordy.col })
local before = buffer_text(bufnr)
vim.lsp.buf.code_action({
  apply = true,
  filter = function(action)
    return action.kind == "quickfix" and action.isPreferred == true
  end,
})
write_when_changed(bufnr, before, "the quick fix")

-- 2. :CopydeskFixAll on a second post.
local second = open_checked(env.COPYDESK_FIX_ALL_POST)
local unfixed = buffer_text(second)
vim.cmd("CopydeskFixAll")
write_when_changed(second, unfixed, ":CopydeskFixAll")
vim.cmd("qall!")
