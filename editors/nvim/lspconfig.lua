-- resilint with nvim-lspconfig (Neovim 0.8+), until resilint is in nvim-lspconfig's list.
-- Put this in init.lua (or a file under plugin/).
local lspconfig = require('lspconfig')
local configs = require('lspconfig.configs')

if not configs.resilint then
  configs.resilint = {
    default_config = {
      cmd = { 'resilint', 'serve' },
      filetypes = { 'python' },
      root_dir = lspconfig.util.root_pattern('pyproject.toml', 'setup.cfg', 'setup.py', '.git'),
      single_file_support = true,
      settings = { resilint = {} },
      init_options = {},
    },
    docs = {
      description = 'resilint: resilience and security linter for Python backend code',
    },
  }
end

lspconfig.resilint.setup({
  -- the server in the project's venv instead of `resilint` on $PATH
  -- (`.venv/bin/pip install -e /path/to/resilint`):
  -- cmd = { vim.fn.getcwd() .. '/.venv/bin/resilint', 'serve' },
  -- settings = { resilint = { ignore = { 'RES022' }, unsafeFixes = false } },
})
