--- copydesk for Neovim: starts `copydesk lsp` with the built-in LSP client.
---
--- require("copydesk").setup({
---   cmd = { "copydesk", "lsp" },          -- the server command
---   filetypes = { ... },                  -- defaults: markdown, text, gitcommit, mdx
---   root_markers = { "copydesk.toml", ".git" },
---   settings = {                          -- the server's `copydesk` settings
---     guidePath = nil,                    -- a guide for every document
---     extraLanguages = {},                -- more filetypes to check (as plain text)
---     maxDocumentBytes = 2097152,         -- larger buffers are not checked
---   },
---   on_attach = nil, capabilities = nil,  -- passed to the client
--- })
---
--- Neovim 0.11+ uses vim.lsp.config/vim.lsp.enable; 0.9 and 0.10 use
--- vim.lsp.start from a FileType autocommand. Either way the command
--- :CopydeskFixAll applies every safe fix in the current buffer.

local M = {}

M.defaults = {
  cmd = { "copydesk", "lsp" },
  filetypes = { "markdown", "text", "gitcommit", "mdx" },
  root_markers = { "copydesk.toml", ".git" },
  settings = {},
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
    cmd = opts.cmd,
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

--- Ask the server to apply every Safe fix in `bufnr` (default: current).
function M.fix_all(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = clients_for(bufnr)[1]
  if not client then
    vim.notify("copydesk is not running for this buffer", vim.log.levels.WARN)
    return
  end
  local params = { command = "copydesk.fixAll", arguments = { vim.uri_from_bufnr(bufnr) } }
  local function done(err, result)
    if err then
      vim.notify("copydesk: " .. err.message, vim.log.levels.ERROR)
    elseif type(result) == "table" and result.applied == false then
      vim.notify("copydesk: nothing to fix", vim.log.levels.INFO)
    end
  end
  if vim.fn.has("nvim-0.11") == 1 then
    client:request("workspace/executeCommand", params, done, bufnr)
  else
    client.request("workspace/executeCommand", params, done, bufnr)
  end
end

local function find_root(bufnr, markers)
  if vim.fs.root then
    return vim.fs.root(bufnr, markers)
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  local found = vim.fs.find(markers, { upward = true, path = vim.fs.dirname(name) })[1]
  return found and vim.fs.dirname(found) or nil
end

function M.setup(opts)
  local config = M.config(opts)
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
end

return M
