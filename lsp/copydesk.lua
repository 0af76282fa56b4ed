-- The copydesk server for Neovim 0.11's `vim.lsp.config`: with this plugin
-- (the repository root) on 'runtimepath', `vim.lsp.enable("copydesk")` is
-- all it takes.
-- require("copydesk").setup() does the same and adds :CopydeskFixAll,
-- :CopydeskTighten, :CopydeskBridge and (with `keymaps = true`) their keymaps.
return {
  cmd = { require("copydesk").default_binary(), "lsp" },
  filetypes = { "markdown", "text", "gitcommit", "mdx" },
  root_markers = { "copydesk.toml", ".git" },
  settings = { copydesk = {} },
}
