--- :checkhealth copydesk — is the binary there and which version, which
--- guide applies to the current folder (and whether its model may be used),
--- and is the language server running and attached.

local M = {}

--- How long `copydesk doctor` may take: with a trusted guide's model it asks
--- the model whether it answers, which waits for the network.
local DOCTOR_TIMEOUT_MS = 20000

--- The command the client starts: setup()'s, else vim.lsp.config's (0.11),
--- else the default.
local function server_cmd()
  local copydesk = require("copydesk")
  if copydesk.options then
    return copydesk.options.cmd, "setup()"
  end
  if vim.fn.has("nvim-0.11") == 1 then
    local ok, config = pcall(function()
      return vim.lsp.config["copydesk"]
    end)
    if ok and type(config) == "table" and config.cmd then
      return config.cmd, "vim.lsp.config"
    end
  end
  return { copydesk.default_binary(), "lsp" }, "the default"
end

--- Run `args` in `cwd`; returns the vim.system result (code 124 on time-out).
local function run(args, cwd, timeout)
  if not vim.system then -- Neovim 0.9: no time-out
    local stdout = vim.fn.system(args)
    return { code = vim.v.shell_error, stdout = stdout, stderr = stdout }
  end
  local ok, result = pcall(function()
    return vim.system(args, { cwd = cwd, text = true }):wait(timeout)
  end)
  if not ok then
    return { code = -1, stdout = "", stderr = tostring(result) }
  end
  return result
end

--- The value of `label` (as `copydesk doctor` prints it, "guide:    …") in `text`.
local function field(text, label)
  for line in vim.gsplit(text or "", "\n", { plain = true }) do
    local value = line:match("^" .. vim.pesc(label) .. "%s+(.*)$")
    if value then
      return value
    end
  end
  return nil
end

--- Returns the binary's full path when it runs, else nil (after an error).
local function check_binary()
  vim.health.start("copydesk: binary")
  local cmd, from = server_cmd()
  if type(cmd) ~= "table" or type(cmd[1]) ~= "string" then
    vim.health.info("the server command from " .. from .. " is a function; not checked")
    return nil
  end
  local path = vim.fn.exepath(cmd[1])
  if path == "" then
    vim.health.error(string.format("copydesk binary not found: %q (the command from %s)", cmd[1], from), {
      "Install it from a clone of the repository: cargo install --path .",
      'With lazy.nvim, add build = "cargo build --release --locked" to the spec',
      'Or point setup() at it: cmd = { "/path/to/copydesk", "lsp" }',
    })
    return nil
  end
  local result = run({ path, "--version" }, nil, 5000)
  if result.code ~= 0 then
    vim.health.error(string.format("%s --version failed (exit %d): %s", path, result.code, vim.trim(result.stderr or "")))
    return nil
  end
  vim.health.ok(string.format("%s at %s (the command from %s)", vim.trim(result.stdout), path, from))
  return path
end

local function check_guide(binary)
  vim.health.start("copydesk: guide for " .. vim.fn.getcwd())
  local cwd = vim.fn.getcwd()
  local result = run({ binary, "doctor", cwd }, cwd, DOCTOR_TIMEOUT_MS)
  if result.code == 124 then
    vim.health.warn(string.format("copydesk doctor did not finish in %d s", DOCTOR_TIMEOUT_MS / 1000))
    return
  end
  local guide = field(result.stdout, "guide:")
  if not guide then
    vim.health.error("the guide does not load: " .. vim.trim(result.stderr or ""), {
      "Fix the file and line named above; `copydesk check` shows the same error",
    })
    return
  end
  if guide == "built-in default guide" then
    vim.health.info("no copydesk.toml here or above: the built-in default guide applies (copydesk init writes one)")
  else
    vim.health.ok("guide: " .. guide)
  end
  local model = field(result.stdout, "model:")
  if model then
    vim.health.info("model: " .. model)
  end
  local trust = field(result.stdout, "trust:")
  if trust and trust:match("^NOT TRUSTED") then
    vim.health.warn("the guide's [llm] is not trusted: nothing is sent to its model", {
      ":CopydeskTrust (or `copydesk trust` in a shell) allows it",
    })
  elseif trust then
    vim.health.ok("trust: " .. trust)
  end
  local answers = field(result.stdout, "answers:")
  if answers and answers:match("^yes") then
    vim.health.ok("the model answers: " .. answers)
  elseif answers then
    vim.health.warn("the model does not answer: " .. answers)
  end
end

local function check_client()
  vim.health.start("copydesk: language server")
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  local clients = get({ name = "copydesk" })
  if #clients == 0 then
    local enabled = require("copydesk").options ~= nil
      or (vim.lsp.is_enabled ~= nil and vim.lsp.is_enabled("copydesk"))
    if enabled then
      vim.health.info("not running yet: it starts when a markdown, text, gitcommit or mdx buffer opens")
    else
      vim.health.warn("not set up", {
        'Call require("copydesk").setup() (lazy.nvim does with `opts = {}`), or vim.lsp.enable("copydesk")',
      })
    end
    return
  end
  for _, client in ipairs(clients) do
    local buffers = {}
    for bufnr in pairs(client.attached_buffers or {}) do
      table.insert(buffers, vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ":~:."))
    end
    table.sort(buffers)
    local where = client.root_dir or (client.config and client.config.root_dir) or "(no root)"
    if #buffers == 0 then
      vim.health.info(string.format("running (client %d, root %s), attached to no buffer", client.id, where))
    else
      vim.health.ok(
        string.format(
          "running (client %d, root %s), attached to %d buffer(s): %s",
          client.id,
          where,
          #buffers,
          table.concat(buffers, ", ")
        )
      )
    end
  end
end

function M.check()
  local binary = check_binary()
  if binary then
    check_guide(binary)
  end
  check_client()
end

return M
