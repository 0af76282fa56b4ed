-- Driven by tests/nvim_plugin.rs: set the plugin up with the command
-- COPYDESK_HEALTH_CMD names ("bin": the binary under test; "default": no
-- cmd, so the plugin finds one; anything else: that path), optionally open
-- COPYDESK_POST and wait until copydesk attaches, then run
-- `:checkhealth copydesk` and write the report to COPYDESK_HEALTH_OUT.
-- With COPYDESK_LAZY_FT set, setup() runs only when the first markdown
-- buffer opens, as lazy.nvim's `ft = { ... }` loads the plugin.

local env = vim.env
local harness = dofile(env.COPYDESK_NVIM_TESTS .. "/harness.lua")
local TIMEOUT, fail, step = harness.TIMEOUT, harness.fail, harness.step

local function setup()
  local which = env.COPYDESK_HEALTH_CMD
  if which == "bin" then
    require("copydesk").setup({ cmd = { env.COPYDESK_BIN, "lsp" } })
  elseif which == "default" then
    require("copydesk").setup()
  else
    require("copydesk").setup({ cmd = { which, "lsp" } })
  end
end

if env.COPYDESK_LAZY_FT then
  vim.api.nvim_create_autocmd("FileType", {
    pattern = { "markdown", "text", "gitcommit", "mdx" },
    once = true,
    callback = function(args)
      step("FileType: loading the plugin")
      setup()
      -- lazy.nvim then fires the event again for the autocommands the
      -- plugin added (here: vim.lsp.enable's), so they see this buffer.
      vim.api.nvim_exec_autocmds("FileType", { buffer = args.buf, modeline = false })
    end,
  })
else
  setup()
end

if env.COPYDESK_POST then
  harness.open(env.COPYDESK_POST)
  local bufnr = vim.api.nvim_get_current_buf()
  if not vim.wait(TIMEOUT, function()
    return #vim.lsp.get_clients({ bufnr = bufnr, name = "copydesk" }) > 0
  end, 20) then
    fail("copydesk did not attach to " .. env.COPYDESK_POST)
  end
  step("copydesk attached")
end

vim.cmd("checkhealth copydesk")
local report = vim.api.nvim_buf_get_lines(0, 0, -1, false)
vim.fn.writefile(report, env.COPYDESK_HEALTH_OUT)
step("wrote the :checkhealth copydesk report")
vim.cmd("qall!")
