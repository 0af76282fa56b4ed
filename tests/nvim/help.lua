-- Driven by tests/nvim_plugin.rs: with the plugin folder on 'runtimepath'
-- (as a plugin manager puts it), build its help tags as lazy.nvim does
-- (:helptags on its doc/; a duplicate tag is an error there), open
-- `:help copydesk`, then follow every tag the file defines and every
-- |link| it makes: each must open a help page.

local env = vim.env
local harness = dofile(env.COPYDESK_NVIM_TESTS .. "/harness.lua")
local fail, step = harness.fail, harness.step

local doc = env.COPYDESK_PLUGIN .. "/doc"
local ok, err = pcall(vim.cmd.helptags, vim.fn.fnameescape(doc))
if not ok then
  fail(":helptags " .. doc .. " failed: " .. tostring(err))
end

local function help(tag)
  local opened, message = pcall(vim.cmd.help, tag)
  if not opened then
    return nil, tostring(message)
  end
  local line = vim.api.nvim_get_current_line()
  return vim.fn.expand("%:t"), line
end

local file, line = help("copydesk")
if file ~= "copydesk.txt" then
  fail(":help copydesk opened " .. tostring(file) .. ": " .. tostring(line))
end
if not line:find("*copydesk*", 1, true) then
  fail(":help copydesk is not on the copydesk tag's line: " .. line)
end
step(":help copydesk opened copydesk.txt at " .. vim.trim(line))

local text = table.concat(vim.fn.readfile(doc .. "/copydesk.txt"), "\n")
local defined, linked = 0, 0
for tag in text:gmatch("%*([^%s*|]+)%*") do
  local opened = help(tag)
  if opened ~= "copydesk.txt" then
    fail(":help " .. tag .. " opened " .. tostring(opened) .. ", not copydesk.txt")
  end
  defined = defined + 1
end
for tag in text:gmatch("|([^%s|]+)|") do
  local opened, message = help(tag)
  if not opened then
    fail("the link |" .. tag .. "| leads nowhere: " .. message)
  end
  linked = linked + 1
end
step(string.format("%d tags open copydesk.txt; %d links open a help page", defined, linked))
vim.cmd("qall!")
