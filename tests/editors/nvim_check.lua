-- Headless Neovim (0.7+) drives `resilint serve` through editors/nvim/lsp/resilint.lua.
-- Run by tests/editors/test_neovim.py:
--   RESILINT_PY=python RESILINT_CONFIG=editors/nvim/lsp/resilint.lua LSP_FILE=a.py LSP_OUT=out.txt \
--   EXPECT_LINE=4 nvim --headless -u NONE -i NONE -n -c "luafile tests/editors/nvim_check.lua"
-- Exit 0 = pass, 1 = fail (reasons in LSP_OUT and on stdout).

local here = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
local report = dofile(here .. "nvim_report.lua")("/tmp/nvim_resilint.txt")
local log, finish, get_clients = report.log, report.finish, report.get_clients

local function code_of(d)
  if d.code then return d.code end
  local lsp = d.user_data and d.user_data.lsp
  return lsp and lsp.code
end

local ok, err = pcall(function()
  local py = os.getenv("RESILINT_PY") or "python3"
  local file = assert(os.getenv("LSP_FILE"), "LSP_FILE not set")
  local expect_line = tonumber(os.getenv("EXPECT_LINE") or "-1")
  local config = dofile(assert(os.getenv("RESILINT_CONFIG"), "RESILINT_CONFIG not set"))
  assert(type(config) == "table" and config.cmd and config.filetypes, "lsp/resilint.lua must return a config table")
  assert(vim.tbl_contains(config.filetypes, "python"), "filetypes must include python")
  log("config cmd: " .. table.concat(config.cmd, " "))

  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  vim.bo[buf].filetype = "python" -- -u NONE: no ftdetect

  local client_config = vim.tbl_deep_extend("force", config, {
    name = "resilint",
    cmd = { py, "-m", "resilint.server.serve" }, -- the interpreter under test, not $PATH
    root_dir = vim.fn.fnamemodify(file, ":p:h"),
  })
  client_config.root_markers = nil
  client_config.filetypes = nil
  local client_id
  if vim.lsp.start then
    client_id = vim.lsp.start(client_config, { bufnr = buf })
  else
    client_id = vim.lsp.start_client(client_config)
    assert(client_id, "start_client failed")
    assert(vim.lsp.buf_attach_client(buf, client_id), "buf_attach_client failed")
  end
  assert(client_id, "could not start the client")
  log("nvim " .. tostring(vim.version().major) .. "." .. tostring(vim.version().minor) .. "." .. tostring(vim.version().patch))

  -- 1) diagnostics: RES001 on the expected line
  local t0 = vim.loop.hrtime()
  local function res001()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if code_of(d) == "RES001" then return d end
    end
  end
  local got = vim.wait(20000, function() return res001() ~= nil end, 20)
  log(string.format("diagnostics wait: %s after %.0f ms", tostring(got), (vim.loop.hrtime() - t0) / 1e6))
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    log(string.format("DIAG %d:%d sev=%d source=%s code=%s msg=%s", d.lnum, d.col, d.severity,
      tostring(d.source), tostring(code_of(d)), d.message))
  end
  if not got then return finish(false, "no RES001 diagnostic") end
  local d = res001()
  if expect_line >= 0 and d.lnum ~= expect_line then
    return finish(false, string.format("RES001 on line %d, expected %d", d.lnum, expect_line))
  end
  if d.severity ~= vim.diagnostic.severity.WARN and d.severity ~= vim.diagnostic.severity.ERROR then
    log("note: RES001 severity " .. tostring(d.severity))
  end

  local client = vim.lsp.get_client_by_id(client_id)
  local caps = client.server_capabilities or {}
  log("capabilities: hover=" .. tostring(caps.hoverProvider ~= nil and caps.hoverProvider ~= false)
    .. " codeAction=" .. tostring(caps.codeActionProvider ~= nil and caps.codeActionProvider ~= false))
  local pos = { line = d.lnum, character = d.col + 1 }
  local uri = vim.uri_from_bufnr(buf)

  -- 2) hover, when the server offers it
  if caps.hoverProvider then
    local resp, herr = vim.lsp.buf_request_sync(buf, "textDocument/hover",
      { textDocument = { uri = uri }, position = pos }, 10000)
    if not resp then return finish(false, "hover: no response: " .. tostring(herr)) end
    local r = resp[client_id]
    if not r or r.err then return finish(false, "hover error: " .. vim.inspect(r)) end
    local c = r.result and r.result.contents
    local text = type(c) == "table" and (c.value or vim.inspect(c)) or tostring(c)
    log("HOVER " .. text:gsub("\n", " "):sub(1, 300))
    if r.result and not text:find("RES001", 1, true) then
      return finish(false, "hover on the RES001 call does not mention RES001")
    end
  else
    log("hover: not offered by the server (skipped)")
  end

  -- 3) code actions, when the server offers them
  if caps.codeActionProvider then
    -- rebuild the LSP diagnostic (0.7 keeps only code/data/tags in user_data.lsp)
    local lsp_diag = vim.tbl_extend("force", d.user_data and d.user_data.lsp or {}, {
      range = { start = { line = d.lnum, character = d.col },
                ["end"] = { line = d.end_lnum or d.lnum, character = d.end_col or d.col } },
      message = d.message, severity = d.severity, source = d.source, code = code_of(d),
    })
    local resp, cerr = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", {
      textDocument = { uri = uri },
      range = lsp_diag.range,
      context = { diagnostics = { lsp_diag } },
    }, 10000)
    if not resp then return finish(false, "codeAction: no response: " .. tostring(cerr)) end
    local r = resp[client_id]
    if not r or r.err then return finish(false, "codeAction error: " .. vim.inspect(r)) end
    for _, a in ipairs(r.result or {}) do
      log("ACTION " .. tostring(a.kind) .. " | " .. tostring(a.title))
    end
  else
    log("codeAction: not offered by the server (skipped)")
  end

  -- 4) didChange: add a timeout, RES001 must go away
  local line = vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1]
  local fixed = line:gsub("%)%s*$", ", timeout=10)")
  vim.api.nvim_buf_set_lines(buf, d.lnum, d.lnum + 1, false, { fixed })
  log("edited line: " .. fixed)
  local cleared = vim.wait(20000, function() return res001() == nil end, 20)
  log("after didChange RES001 cleared: " .. tostring(cleared))
  if not cleared then return finish(false, "RES001 not cleared after didChange") end

  finish(true)
end)
if not ok then finish(false, "lua error: " .. tostring(err)) end
