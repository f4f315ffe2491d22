-- End-to-end check of the deploylint language server in a real editor: Neovim's built-in LSP
-- client, run headless by test/lsp-neovim.test.ts:
--   nvim --headless -u NONE -i NONE -n -c "luafile test/nvim/lsp-e2e.lua"
-- Environment: DEPLOYLINT_ROOT (the checkout, built), DEPLOYLINT_WORKDIR (holds goto-fail.c and
-- web.service), DEPLOYLINT_OUT (where the JSON result goes). Works with Neovim 0.7 (Debian 12:
-- vim.lsp.start_client) and later (vim.lsp.start).
local root = assert(os.getenv("DEPLOYLINT_ROOT"))
local dir = assert(os.getenv("DEPLOYLINT_WORKDIR"))
local out_path = assert(os.getenv("DEPLOYLINT_OUT"))
local result = { nvim = vim.version and tostring(vim.version().major) .. "." .. tostring(vim.version().minor) or "?" }
local client_id

vim.cmd("filetype on")

local config = {
  name = "deploylint",
  cmd = { "node", root .. "/dist/bundle/deploylint.js", "lsp", "--stdio" },
  root_dir = dir,
  init_options = { debounceMs = 50 },
}

local function attach(bufnr)
  if vim.lsp.start then
    client_id = vim.lsp.start(config, { bufnr = bufnr })
  else
    client_id = client_id or vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(bufnr, client_id)
  end
end

local function diagnostics(bufnr)
  local list = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = (d.user_data and d.user_data.lsp) or {}
    table.insert(list, {
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, source = d.source, message = d.message,
      code = d.code or lsp.code,
    })
  end
  table.sort(list, function(a, b) return a.lnum < b.lnum or (a.lnum == b.lnum and tostring(a.code) < tostring(b.code)) end)
  return list
end

local function wait_for(what, cond)
  if not vim.wait(20000, cond, 20) then error("timed out waiting for " .. what) end
end

-- Code actions at a diagnostic, as `vim.lsp.buf.code_action` would ask for them.
local function code_actions(bufnr, d)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = d.lnum, character = d.col }, ["end"] = { line = d.end_lnum, character = d.end_col } },
    context = { diagnostics = {} },
  }
  local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, 10000) or {}
  local actions = {}
  for _, r in pairs(responses) do
    for _, a in ipairs(r.result or {}) do table.insert(actions, a) end
  end
  return actions
end

local function apply(action)
  vim.lsp.util.apply_workspace_edit(action.edit, "utf-16")
end

local function lines(bufnr)
  return vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
end

local ok, err = pcall(function()
  -- The goto-fail C file: one finding, on the second goto; disabling it for the line clears it.
  vim.cmd("edit " .. dir .. "/goto-fail.c")
  local c = vim.api.nvim_get_current_buf()
  attach(c)
  wait_for("C diagnostics", function() return #vim.diagnostic.get(c) > 0 end)
  result.c = { filetype = vim.bo[c].filetype, diagnostics = diagnostics(c) }
  local c_actions = code_actions(c, result.c.diagnostics[1])
  result.c.actions = vim.tbl_map(function(a) return a.title end, c_actions)
  for _, a in ipairs(c_actions) do
    if a.title:match("for this line$") then apply(a) end
  end
  wait_for("the C diagnostic to clear", function() return #vim.diagnostic.get(c) == 0 end)
  result.c.after = { lines = lines(c), diagnostics = diagnostics(c) }

  -- A systemd unit running a named container: several findings; apply the dependency fix.
  vim.cmd("edit " .. dir .. "/web.service")
  local unit = vim.api.nvim_get_current_buf()
  attach(unit)
  wait_for("unit diagnostics", function() return #vim.diagnostic.get(unit) > 0 end)
  result.unit = { filetype = vim.bo[unit].filetype, diagnostics = diagnostics(unit) }
  local target
  for _, d in ipairs(result.unit.diagnostics) do
    if d.code == "unit/missing-docker-dependency" then target = d end
  end
  local before = #vim.diagnostic.get(unit)
  local unit_actions = code_actions(unit, assert(target, "no unit/missing-docker-dependency diagnostic"))
  result.unit.actions = vim.tbl_map(function(a) return a.title end, unit_actions)
  for _, a in ipairs(unit_actions) do
    if a.isPreferred and a.diagnostics and a.diagnostics[1].code == "unit/missing-docker-dependency" then
      result.unit.applied = a.title
      apply(a)
      break
    end
  end
  wait_for("the unit to be re-linted", function() return #vim.diagnostic.get(unit) < before end)
  result.unit.after = { lines = lines(unit), diagnostics = diagnostics(unit) }
end)

if not ok then result.error = tostring(err) end
local f = assert(io.open(out_path, "w"))
f:write(vim.fn.json_encode(result))
f:close()
if client_id then vim.lsp.stop_client(client_id) end
vim.cmd("qa!")
