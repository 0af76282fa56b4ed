-- Driven by tests/nvim_e2e.rs in `nvim --headless --clean`: a folder whose
-- copydesk.toml names a model. Neovim's own window/showMessageRequest
-- handler asks through vim.ui.select (answered here): "Not now" sends
-- nothing, :CopydeskTrust with "Allow" records consent, and Tighten then
-- proceeds without asking. Any failure exits with status 1.

local env = vim.env
local harness = dofile(env.COPYDESK_NVIM_TESTS .. "/harness.lua")
local TIMEOUT, fail, step = harness.TIMEOUT, harness.fail, harness.step

local asked, answer = {}, "Not now"
vim.ui.select = function(items, opts, on_choice)
  table.insert(asked, opts.prompt)
  io.stderr:write("asked: " .. opts.prompt .. "\n")
  for _, item in ipairs(items) do
    if opts.format_item(item) == answer then
      return on_choice(item)
    end
  end
  on_choice(nil)
end
local shown = {}
vim.lsp.handlers["window/showMessage"] = function(_, result)
  table.insert(shown, result.message)
  io.stderr:write("server says: " .. result.message .. "\n")
end

require("copydesk").setup({ cmd = { env.COPYDESK_BIN, "lsp" } })
if vim.fn.exists(":CopydeskTrust") ~= 2 then
  fail(":CopydeskTrust is not defined")
end

local buffer_text = harness.buffer_text
local bufnr = harness.open(env.COPYDESK_POST)
for row, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
  local col = line:find("in order to", 1, true)
  if col then
    vim.api.nvim_win_set_cursor(0, { row, col - 1 })
  end
end

local function said(needle)
  for _, message in ipairs(shown) do
    if message:find(needle, 1, true) then
      return true
    end
  end
  return false
end

local before = buffer_text(bufnr)
vim.cmd("CopydeskTighten paragraph")
if not vim.wait(TIMEOUT, function()
  return said("is not trusted to send text to")
end, 20) then
  fail("Tighten before consent did not say why nothing was sent; asked: " .. vim.inspect(asked))
end
if #asked ~= 1 or not asked[1]:find("wants to send drafts to", 1, true) then
  fail("expected one question before Tighten, got " .. vim.inspect(asked))
end
if buffer_text(bufnr) ~= before then
  fail("the buffer changed without consent")
end
step("Not now: nothing sent, and the server said why")

answer = "Allow"
vim.cmd("CopydeskTrust")
if not vim.wait(TIMEOUT, function()
  return vim.uv.fs_stat(env.COPYDESK_CONFIG_DIR .. "/trust.toml") ~= nil
end, 20) then
  fail(":CopydeskTrust recorded no consent; asked: " .. vim.inspect(asked))
end
step(":CopydeskTrust with Allow recorded consent")

vim.cmd("CopydeskTighten paragraph")
if not vim.wait(TIMEOUT, function()
  return buffer_text(bufnr) ~= before
end, 20) then
  fail("Tighten after consent did not change the buffer; the server said: " .. table.concat(shown, " | "))
end
if #asked ~= 2 then
  fail("Tighten after consent asked again: " .. vim.inspect(asked))
end
vim.cmd.write()
step("Tighten after consent applied and written")
vim.cmd("qall!")
