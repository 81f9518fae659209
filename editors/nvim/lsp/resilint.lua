-- resilint language server for Neovim 0.11+ (`vim.lsp.config` / `vim.lsp.enable`).
--
-- Install: copy this file to ~/.config/nvim/lsp/resilint.lua (any `lsp/` folder on
-- 'runtimepath' works), then in init.lua:
--
--     vim.lsp.enable('resilint')
--
-- Override any field without copying the file:
--
--     vim.lsp.config('resilint', {
--       -- the server in the project's venv (`.venv/bin/pip install -e /path/to/resilint`):
--       cmd = { vim.fn.getcwd() .. '/.venv/bin/resilint', 'serve' },
--       settings = { resilint = { ignore = { 'RES022' }, severity = { RES030 = 'error' } } },
--     })
--
-- Settings (the `resilint` section) are sent as initializationOptions and answered on
-- workspace/configuration; keys are the ones of the VS Code extension (docs/editors/neovim.md).

---@type vim.lsp.Config
return {
  cmd = { 'resilint', 'serve' },
  filetypes = { 'python' },
  root_markers = { 'pyproject.toml', 'setup.cfg', 'setup.py', 'requirements.txt', '.git' },
  -- Server-side settings; pyproject.toml's [tool.resilint] wins by default
  -- (configurationPreference = 'filesystemFirst').
  settings = {
    resilint = {
      enable = true,
      logLevel = 'info',
    },
  },
  init_options = {
    enable = true,
    logLevel = 'info',
  },
}
