-- Headless Neovim (0.7+, push diagnostics only) runs :ResilintCheckWorkspace from
-- editors/nvim/legacy.lua. Run by tests/editors/test_neovim_workspace_check.py:
--   PATH=<venv>/bin:$PATH LEGACY=editors/nvim/legacy.lua LSP_FILE=ws/open.py LSP_OTHERS=ws/a.py,ws/b.py \
--   LSP_OUT=out.txt nvim --headless -u NONE -i NONE -n -c "luafile tests/editors/nvim_workspace_check.lua"
-- Exit 0 = pass, 1 = fail (reasons in LSP_OUT and on stdout).

local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
local report = dofile(here .. "nvim_report.lua")("/tmp/nvim_resilint_ws.txt")
local log, finish, get_clients = report.log, report.finish, report.get_clients

local function codes(bufnr)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    table.insert(found, tostring(code))
  end
  return table.concat(found, ",")
end

local ok, err = pcall(function()
  local notes = {}
  vim.notify = function(msg) table.insert(notes, msg); log("NOTIFY " .. msg) end
  vim.cmd("luafile " .. vim.fn.fnameescape((assert(os.getenv("LEGACY"), "LEGACY not set"))))

  vim.cmd("edit " .. vim.fn.fnameescape((assert(os.getenv("LSP_FILE"), "LSP_FILE not set"))))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = "python" -- -u NONE: no ftdetect; fires legacy.lua's FileType autocmd
  if not vim.wait(20000, function() return codes(buf) ~= "" end, 20) then
    return finish(false, "no diagnostics for the open buffer")
  end
  log("open buffer: " .. codes(buf))

  vim.cmd("ResilintCheckWorkspace")
  if not vim.wait(30000, function() return #notes > 0 end, 20) then
    return finish(false, "the command never answered")
  end
  if not notes[1]:find("^resilint: checked %d+ files") then return finish(false, "unexpected answer") end

  -- files never opened got diagnostics (RES001 in each "dirty" file, none in clean ones)
  for path in string.gmatch(os.getenv("LSP_OTHERS") or "", "[^,]+") do
    local other = vim.uri_to_bufnr(vim.uri_from_fname(path))
    log("OTHER " .. vim.fn.fnamemodify(path, ":t") .. " codes=" .. codes(other))
  end

  -- $/progress reached the client (0.7-0.9 keep it in client.messages.progress)
  for _, client in pairs(get_clients()) do
    local progress = client.messages and client.messages.progress or {}
    for token, p in pairs(progress) do
      log(string.format("PROGRESS %s title=%s done=%s", tostring(token), tostring(p.title), tostring(p.done)))
    end
  end
  finish(true)
end)
if not ok then finish(false, "lua error: " .. tostring(err)) end
