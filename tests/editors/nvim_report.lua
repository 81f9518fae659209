-- Shared by the headless Neovim checks (nvim_check.lua, nvim_workspace_check.lua):
-- `local report = dofile(<this file>)(default_out)` gives log(), finish(ok, msg), get_clients.
-- finish() stops the language clients and quits Neovim with status 0 (pass) or 1 (fail).
return function(default_out)
  local out = assert(io.open(os.getenv("LSP_OUT") or default_out, "w"))
  local report = {}
  report.get_clients = vim.lsp.get_clients or vim.lsp.get_active_clients

  function report.log(s)
    out:write(s, "\n"); out:flush()
    io.stdout:write(s, "\n"); io.stdout:flush()
  end

  function report.finish(ok, msg)
    report.log((ok and "RESULT: PASS " or "RESULT: FAIL ") .. (msg or ""))
    for _, c in pairs(report.get_clients()) do c.stop() end
    vim.wait(2000, function() return #report.get_clients() == 0 end, 20)
    out:close()
    if ok then vim.cmd("qall!") else vim.cmd("cquit!") end
  end

  return report
end
