--- copydesk for Neovim: starts `copydesk lsp` with the built-in LSP client.
---
--- require("copydesk").setup({
---   cmd = { "copydesk", "lsp" },          -- the server command (default: `copydesk`
---                                         -- on PATH, else the one `cargo build
---                                         -- --release` left in this plugin's folder)
---   filetypes = { ... },                  -- defaults: markdown, text, gitcommit, mdx
---   root_markers = { "copydesk.toml", ".git" },
---   settings = {                          -- the server's `copydesk` settings
---     guidePath = nil,                    -- a guide for every document
---     extraLanguages = {},                -- more filetypes to check (as plain text)
---     maxDocumentBytes = 2097152,         -- larger buffers are not checked
---     maxDiagnostics = 1000,              -- most severe first; one more counts the rest
---     platforms = {},                     -- when a post's front matter names none
---     llm = { baseUrl = nil, model = nil }, -- a model for Tighten/Bridge; the
---                                         -- guide's [llm] wins key by key
---   },
---   keymaps = false,                      -- true: the default keymaps below;
---                                         -- or a table overriding some of them
---   on_attach = nil, capabilities = nil,  -- passed to the client
--- })
---
--- Neovim 0.11+ uses vim.lsp.config/vim.lsp.enable; 0.9 and 0.10 use
--- vim.lsp.start from a FileType autocommand. Either way the command
--- :CopydeskFixAll applies every safe fix in the current buffer, and, with a
--- model configured:
---   :CopydeskTighten [sentence|paragraph]   (with a range: the selection)
---   :CopydeskBridge                          a transition before this paragraph
---   :CopydeskReview[!]                       the model's review of this file
---                                            (! adds low-confidence findings)
---   :CopydeskTrust                           allow this folder's copydesk.toml
---                                            to send drafts to its model (asks)
--- With `keymaps`, in copydesk buffers: <leader>ct tightens the sentence
--- (in Visual mode, the selection), <leader>cT the paragraph, <leader>cb
--- suggests a transition.
---
--- :checkhealth copydesk checks the binary, the guide and the client;
--- :help copydesk is the manual.

local M = {}

--- This plugin's folder: the repository root when a plugin manager installed
--- it from the repository (this file is lua/copydesk/init.lua in it).
M.root = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h:h:h")

--- The binary the default command runs: `copydesk` on PATH, else the one
--- `cargo build --release` built in the plugin's folder (lazy.nvim's
--- `build` step), else "copydesk" (not found: :checkhealth copydesk says so).
function M.default_binary()
  if vim.fn.executable("copydesk") == 1 then
    return "copydesk"
  end
  local built = M.root .. "/target/release/copydesk" .. (vim.fn.has("win32") == 1 and ".exe" or "")
  if vim.fn.executable(built) == 1 then
    return built
  end
  return "copydesk"
end

M.defaults = {
  cmd = nil, -- { M.default_binary(), "lsp" }
  filetypes = { "markdown", "text", "gitcommit", "mdx" },
  root_markers = { "copydesk.toml", ".git" },
  settings = {},
  keymaps = false,
  on_attach = nil,
  capabilities = nil,
}

--- The client configuration for `opts` (defaults filled in).
function M.config(opts)
  opts = vim.tbl_deep_extend("force", {}, M.defaults, opts or {})
  local filetypes = vim.list_extend({}, opts.filetypes)
  for _, extra in ipairs(opts.settings.extraLanguages or {}) do
    if not vim.tbl_contains(filetypes, extra) then
      table.insert(filetypes, extra)
    end
  end
  return {
    name = "copydesk",
    cmd = opts.cmd or { M.default_binary(), "lsp" },
    filetypes = filetypes,
    root_markers = opts.root_markers,
    -- The server asks for the `copydesk` section (workspace/configuration);
    -- the same values go in initializationOptions so the first check uses them.
    settings = { copydesk = opts.settings },
    init_options = opts.settings,
    on_attach = opts.on_attach,
    capabilities = opts.capabilities,
  }
end

local function clients_for(bufnr)
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  return get({ bufnr = bufnr, name = "copydesk" })
end

local function attached_client(bufnr)
  local client = clients_for(bufnr)[1]
  if not client then
    vim.notify("copydesk is not running for this buffer", vim.log.levels.WARN)
  end
  return client
end

--- Run the server's `command` with `argument` for `bufnr`; an error is
--- shown, a result goes to `on_result` (if any).
local function execute(client, bufnr, command, argument, on_result)
  local params = { command = command, arguments = { argument } }
  local function done(err, result)
    if err then
      vim.notify("copydesk: " .. err.message, vim.log.levels.ERROR)
    elseif on_result then
      on_result(result)
    end
  end
  if vim.fn.has("nvim-0.11") == 1 then
    client:request("workspace/executeCommand", params, done, bufnr)
  else
    client.request("workspace/executeCommand", params, done, bufnr)
  end
end

--- Ask the server to apply every Safe fix in `bufnr` (default: current).
function M.fix_all(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = attached_client(bufnr)
  if not client then
    return
  end
  execute(client, bufnr, "copydesk.fixAll", vim.uri_from_bufnr(bufnr), function(result)
    if type(result) == "table" and result.applied == false then
      vim.notify("copydesk: nothing to fix", vim.log.levels.INFO)
    end
  end)
end

--- The keymaps `keymaps = true` sets; a table sets only its own (a key set
--- to false is left out).
M.default_keymaps = {
  tighten = "<leader>ct",
  tighten_paragraph = "<leader>cT",
  bridge = "<leader>cb",
}

--- The LSP range of lines `line1`..`line2` (1-based) of `bufnr`: the last
--- Visual selection when it is those lines (characterwise, or whole lines
--- for `V`), else the whole lines.
local function selection_range(bufnr, encoding, line1, line2)
  local first = vim.api.nvim_buf_get_mark(bufnr, "<")
  local last = vim.api.nvim_buf_get_mark(bufnr, ">")
  local last_text = vim.api.nvim_buf_get_lines(bufnr, line2 - 1, line2, false)[1] or ""
  local start_col, end_col = 0, #last_text
  if vim.fn.visualmode() == "v" and first[1] == line1 and last[1] == line2 then
    start_col = first[2]
    -- '> marks the first byte of the last selected character.
    local col = math.min(last[2], #last_text)
    end_col = math.min(col + #vim.fn.strpart(last_text, col, 1, true), #last_text)
  end
  local function position(row, col)
    return { line = row - 1, character = vim.lsp.util.character_offset(bufnr, row - 1, col, encoding) }
  end
  return { start = position(line1, start_col), ["end"] = position(line2, end_col) }
end

--- Tighten with the configured model. `scope`: "selection" (lines
--- `line1`..`line2`, or the Visual selection on them), "sentence" or
--- "paragraph" at the cursor. The server calls the model (progress shows in
--- the LspProgress event) and applies the edit.
function M.tighten(scope, line1, line2)
  local bufnr = vim.api.nvim_get_current_buf()
  local client = attached_client(bufnr)
  if not client then
    return
  end
  scope = scope or "sentence"
  local argument = { uri = vim.uri_from_bufnr(bufnr), scope = scope }
  if scope == "selection" then
    local cursor = vim.api.nvim_win_get_cursor(0)[1]
    argument.range = selection_range(bufnr, client.offset_encoding, line1 or cursor, line2 or line1 or cursor)
  else
    argument.position = vim.lsp.util.make_position_params(0, client.offset_encoding).position
  end
  -- The server says why when nothing was applied (no model, refused, timed
  -- out): no second message here.
  execute(client, bufnr, "copydesk.tighten", argument)
end

--- Ask (the server's "Allow" / "Not now" question) whether the guide of
--- `bufnr` may send drafts to the model endpoint it names; consent is kept
--- outside the repository, where `copydesk trust` keeps it.
function M.trust(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = attached_client(bufnr)
  if not client then
    return
  end
  execute(client, bufnr, "copydesk.trust", { uri = vim.uri_from_bufnr(bufnr) }, function(result)
    if type(result) == "table" and result.trusted == true then
      vim.notify("copydesk: trusted " .. (result.guide or "(nothing needed consent)"), vim.log.levels.INFO)
    end
  end)
end

--- Suggest a transition before the paragraph at the cursor (or after the
--- blank line it is on). With several options the server asks which one.
function M.bridge()
  local bufnr = vim.api.nvim_get_current_buf()
  local client = attached_client(bufnr)
  if not client then
    return
  end
  execute(client, bufnr, "copydesk.bridge", {
    uri = vim.uri_from_bufnr(bufnr),
    position = vim.lsp.util.make_position_params(0, client.offset_encoding).position,
  })
end

--- Ask the model the guide's review questions about `bufnr` (default:
--- current) now; the findings arrive as diagnostics with the source
--- "copydesk (model)". `all` includes findings of low confidence.
function M.review(bufnr, all)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = attached_client(bufnr)
  if not client then
    return
  end
  vim.notify("copydesk: reviewing with the model…", vim.log.levels.INFO)
  execute(client, bufnr, "copydesk.review", { uri = vim.uri_from_bufnr(bufnr), all = all == true }, function(result)
    if type(result) ~= "table" then
      return
    end
    local summary = string.format(
      "copydesk: model review found %d to look at (%d requests, %d from the cache)",
      result.findings or 0,
      result.requests or 0,
      result.cacheHits or 0
    )
    if type(result.error) == "string" then
      vim.notify(summary .. "; " .. result.error, vim.log.levels.WARN)
    else
      vim.notify(summary, vim.log.levels.INFO)
    end
  end)
end

local function set_keymaps(bufnr, keymaps)
  local function map(mode, lhs, rhs, desc)
    if lhs then
      vim.keymap.set(mode, lhs, rhs, { buffer = bufnr, desc = desc, silent = true })
    end
  end
  map("n", keymaps.tighten, function()
    M.tighten("sentence")
  end, "copydesk: tighten the sentence")
  map("x", keymaps.tighten, ":CopydeskTighten<CR>", "copydesk: tighten the selection")
  map("n", keymaps.tighten_paragraph, function()
    M.tighten("paragraph")
  end, "copydesk: tighten the paragraph")
  map("n", keymaps.bridge, M.bridge, "copydesk: suggest a transition")
end

local function find_root(bufnr, markers)
  if vim.fs.root then
    return vim.fs.root(bufnr, markers)
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  local found = vim.fs.find(markers, { upward = true, path = vim.fs.dirname(name) })[1]
  return found and vim.fs.dirname(found) or nil
end

--- The client configuration setup() was last called with (nil before).
M.options = nil

function M.setup(opts)
  local config = M.config(opts)
  M.options = config
  local keymaps = (opts or {}).keymaps
  if keymaps then
    keymaps = vim.tbl_extend("force", {}, M.default_keymaps, type(keymaps) == "table" and keymaps or {})
    vim.api.nvim_create_autocmd("LspAttach", {
      group = vim.api.nvim_create_augroup("copydesk_keymaps", { clear = true }),
      callback = function(args)
        local client = vim.lsp.get_client_by_id(args.data.client_id)
        if client and client.name == "copydesk" then
          set_keymaps(args.buf, keymaps)
        end
      end,
    })
  end
  if vim.fn.has("nvim-0.11") == 1 then
    vim.lsp.config("copydesk", config)
    vim.lsp.enable("copydesk")
  else
    local group = vim.api.nvim_create_augroup("copydesk", { clear = true })
    vim.api.nvim_create_autocmd("FileType", {
      group = group,
      pattern = config.filetypes,
      callback = function(args)
        vim.lsp.start({
          name = config.name,
          cmd = config.cmd,
          root_dir = find_root(args.buf, config.root_markers),
          settings = config.settings,
          init_options = config.init_options,
          on_attach = config.on_attach,
          capabilities = config.capabilities,
        }, { bufnr = args.buf })
      end,
    })
  end
  vim.api.nvim_create_user_command("CopydeskFixAll", function()
    M.fix_all(0)
  end, { desc = "copydesk: apply every safe fix in this buffer" })
  vim.api.nvim_create_user_command("CopydeskTighten", function(command)
    local scope = command.args ~= "" and command.args or (command.range > 0 and "selection" or "sentence")
    if not vim.tbl_contains({ "selection", "sentence", "paragraph" }, scope) then
      vim.notify("copydesk: :CopydeskTighten takes sentence or paragraph, or a range", vim.log.levels.ERROR)
      return
    end
    M.tighten(scope, command.line1, command.line2)
  end, {
    desc = "copydesk: tighten the selection, sentence or paragraph with the model",
    nargs = "?",
    range = true,
    complete = function()
      return { "sentence", "paragraph" }
    end,
  })
  vim.api.nvim_create_user_command("CopydeskBridge", function()
    M.bridge()
  end, { desc = "copydesk: suggest a transition before this paragraph" })
  vim.api.nvim_create_user_command("CopydeskTrust", function()
    M.trust(0)
  end, { desc = "copydesk: allow this folder's guide to send drafts to its model" })
  vim.api.nvim_create_user_command("CopydeskReview", function(command)
    M.review(0, command.bang)
  end, { bang = true, desc = "copydesk: review this file with the model (! includes low confidence)" })
end

return M
