-- Driven by tests/nvim_e2e.rs in `nvim --headless --clean`: the plugin's
-- model commands and keymaps against a test model server (its address in
-- the plugin's `llm` settings): <leader>cT tightens the paragraph,
-- :CopydeskBridge adds a transition, and <leader>ct in Visual mode tightens
-- the selection on a line with an emoji. Each result is written to the file
-- for the Rust side to check. Any failure exits with status 1.

local env = vim.env
local harness = dofile(env.COPYDESK_NVIM_TESTS .. "/harness.lua")
local TIMEOUT, fail, step = harness.TIMEOUT, harness.fail, harness.step
-- Messages the server shows, for the failure report.
local shown = {}
vim.lsp.handlers["window/showMessage"] = function(_, result)
  table.insert(shown, result.message)
  io.stderr:write("server says: " .. result.message .. "\n")
end

require("copydesk").setup({
  cmd = { env.COPYDESK_BIN, "lsp" },
  settings = { llm = { baseUrl = env.COPYDESK_MODEL_URL, model = "test-model", timeoutSecs = 10 } },
  keymaps = true,
})
for _, command in ipairs({ "CopydeskTighten", "CopydeskBridge", "CopydeskReview" }) do
  if vim.fn.exists(":" .. command) ~= 2 then
    fail(":" .. command .. " is not defined")
  end
end

local buffer_text = harness.buffer_text
local bufnr = harness.open(env.COPYDESK_POST)
if vim.fn.maparg("<leader>cT", "n", false, true).buffer ~= 1 then
  fail("<leader>cT is not mapped in the copydesk buffer")
end

--- Put the cursor on the first line containing `needle`, at its column.
local function cursor_at(needle)
  for row, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local col = line:find(needle, 1, true)
    if col then
      vim.api.nvim_win_set_cursor(0, { row, col - 1 })
      return
    end
  end
  fail("no line with “" .. needle .. "”")
end

local function keys(sequence)
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(sequence, true, false, true), "x", false)
end

--- Run `action`, wait until the buffer changes, write it.
local function expect_change(what, action)
  local before = buffer_text(bufnr)
  action()
  if not vim.wait(TIMEOUT, function()
    return buffer_text(bufnr) ~= before
  end, 20) then
    fail(what .. " did not change the buffer; the server said: " .. table.concat(shown, " | "))
  end
  vim.cmd.write()
  step(what .. " applied and written")
end

expect_change("<leader>cT (tighten the paragraph)", function()
  cursor_at("in order to")
  keys("<leader>cT")
end)
expect_change(":CopydeskBridge", function()
  cursor_at("Lisbon will host")
  vim.cmd("CopydeskBridge")
end)
expect_change("<leader>ct on a Visual selection", function()
  cursor_at("basically a really great day for all of us")
  keys("v" .. (#"basically a really great day for all of us" - 1) .. "l<leader>ct")
end)

-- The guide turns review on save off, so only the command asks the model.
local function model_findings()
  local found = {}
  for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
    if diagnostic.source == "copydesk (model)" then
      table.insert(found, diagnostic)
    end
  end
  return found
end
if #model_findings() > 0 then
  fail("model findings before :CopydeskReview")
end
vim.cmd("CopydeskReview!")
if not vim.wait(TIMEOUT, function()
  return #model_findings() > 0
end, 20) then
  fail(":CopydeskReview! published no model finding; the server said: " .. table.concat(shown, " | "))
end
local finding = model_findings()[1]
local line = vim.api.nvim_buf_get_lines(bufnr, finding.lnum, finding.lnum + 1, false)[1]
if line:sub(finding.col + 1, finding.end_col) ~= "the partner summit in October" then
  fail("the model finding is not on its quote: " .. vim.inspect(finding))
end
step(":CopydeskReview! published the model's finding")
vim.cmd("qall!")
