-- resilint for Neovim 0.7 - 0.10 without plugins (`vim.lsp.start` on 0.8+, `start_client` on 0.7).
-- Put this in init.lua.
local settings = { resilint = { enable = true } }

-- The server's command for a project root. `resilint` on $PATH (pipx install /path/to/resilint);
-- for the server in the project's venv (`.venv/bin/pip install -e /path/to/resilint`) return
--   { root .. '/.venv/bin/resilint', 'serve' }
-- instead. Not picked automatically: a repository you just cloned could ship any program there.
local function server_cmd(root)
  return { 'resilint', 'serve' }
end

local function root_for(bufnr)
  local file = vim.api.nvim_buf_get_name(bufnr)
  local markers = { 'pyproject.toml', 'setup.cfg', 'setup.py', '.git' }
  if vim.fs and vim.fs.find then -- 0.8+
    local found = vim.fs.find(markers, { path = vim.fs.dirname(file), upward = true })[1]
    return found and vim.fs.dirname(found) or vim.fs.dirname(file)
  end
  local dir = vim.fn.fnamemodify(file, ':p:h')
  while dir ~= '/' and dir ~= '' do
    for _, m in ipairs(markers) do
      if vim.loop.fs_stat(dir .. '/' .. m) then return dir end
    end
    dir = vim.fn.fnamemodify(dir, ':h')
  end
  return vim.fn.fnamemodify(file, ':p:h')
end

local resilint_clients = {} -- root_dir -> client id (0.7)

vim.api.nvim_create_autocmd('FileType', {
  pattern = 'python',
  callback = function(args)
    local root = root_for(args.buf)
    local config = {
      name = 'resilint',
      cmd = server_cmd(root),
      root_dir = root,
      settings = settings,
      init_options = settings.resilint,
    }
    if vim.lsp.start then -- 0.8+: reuses a running client with the same name and root_dir
      vim.lsp.start(config, { bufnr = args.buf })
    else -- 0.7
      local id = resilint_clients[config.root_dir]
      if not id or not vim.lsp.get_client_by_id(id) then
        id = vim.lsp.start_client(config)
        resilint_clients[config.root_dir] = id
      end
      if id then vim.lsp.buf_attach_client(args.buf, id) end
    end
  end,
})

-- :ResilintCheckWorkspace checks every Python file of the workspace, not only open buffers
-- (Neovim does not pull workspace diagnostics by itself): the results land in vim.diagnostic,
-- so `:lua vim.diagnostic.setqflist()` lists them. Progress arrives as $/progress.
vim.api.nvim_create_user_command('ResilintCheckWorkspace', function()
  for _, client in pairs(vim.lsp.get_active_clients()) do
    if client.name == 'resilint' then
      client.request('workspace/executeCommand', { command = 'resilint.checkWorkspace' }, function(err, result)
        if err then
          vim.notify('resilint: workspace check failed: ' .. tostring(err.message), vim.log.levels.ERROR)
        elseif result.cancelled then
          vim.notify(string.format('resilint: workspace check cancelled after %d of %d files', result.files, result.total))
        else
          vim.notify(string.format('resilint: checked %d files, %d problems', result.files, result.problems))
        end
      end)
    end
  end
end, { desc = 'resilint: check every Python file of the workspace' })
