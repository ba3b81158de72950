-- Neovim 0.7's built-in LSP client on `onefront lsp`, headless:
--
--   nvim --headless -u NONE -i NONE -n -c 'luafile tests/lsp-e2e/nvim_attach.lua'
--
-- with, in the environment:
--   ONEFRONT_BIN          the onefront binary
--   ONEFRONT_NVIM_FILE    a .onefront file with a misspelt parameter
--   ONEFRONT_NVIM_WRONG   the misspelt name, ONEFRONT_NVIM_RIGHT the right one
--   ONEFRONT_NVIM_HOVER   a parameter of the file to hover
--   ONEFRONT_NVIM_REPORT  where to write the JSON report
--
-- It edits the file, starts a client for it (vim.lsp.start_client: 0.7 has
-- no vim.lsp.start), waits for the diagnostics, hovers the parameter,
-- corrects the misspelling in the buffer (Neovim sends the change as an
-- incremental didChange), waits for the diagnostics to clear, and stops the
-- client (shutdown, exit). The report holds what it saw at each step and
-- `errors`; Neovim exits 1 when there are any. All the waits share one
-- deadline and end when the server exits, so that it reports instead of
-- hanging; tests/lsp_e2e.rs kills it anyway after a while.

local deadline = vim.loop.now() + 15000

-- Milliseconds left before the deadline.
local function left()
  return math.max(0, deadline - vim.loop.now())
end

local report = { errors = {} }

local function fail(message)
  table.insert(report.errors, message)
end

local function env(name)
  local value = os.getenv(name)
  if value == nil or value == '' then
    error(name .. ' is not set')
  end
  return value
end

local function finish()
  local path = os.getenv('ONEFRONT_NVIM_REPORT')
  local file = path and io.open(path, 'w')
  if file then
    file:write(vim.fn.json_encode(report))
    file:close()
  else
    io.stderr:write('nvim_attach.lua: no report written: ', vim.inspect(report), '\n')
  end
  if #report.errors > 0 or not file then
    vim.cmd('cquit 1')
  end
  vim.cmd('qall!')
end

-- The 0-based line and byte column of the first `needle` in the buffer.
local function find(bufnr, needle)
  for index, line in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, true)) do
    local col = line:find(needle, 1, true)
    if col then
      return index - 1, col - 1
    end
  end
  error('`' .. needle .. '` is not in the buffer')
end

local function diagnostics(bufnr)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(found, {
      code = d.code,
      lnum = d.lnum,
      col = d.col,
      end_lnum = d.end_lnum,
      end_col = d.end_col,
      severity = d.severity,
      message = d.message,
    })
  end
  return found
end

local function main()
  local bin = env('ONEFRONT_BIN')
  local path = env('ONEFRONT_NVIM_FILE')
  local wrong, right = env('ONEFRONT_NVIM_WRONG'), env('ONEFRONT_NVIM_RIGHT')
  local hovered = env('ONEFRONT_NVIM_HOVER')

  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()

  local exited = nil
  -- Waits until `done()` or the server exits; whether `done()`.
  local function wait(done)
    vim.wait(left(), function()
      return exited ~= nil or done()
    end, 20)
    return done()
  end
  local client_id = vim.lsp.start_client({
    name = 'onefront',
    cmd = { bin, 'lsp' },
    root_dir = vim.fn.fnamemodify(path, ':h'),
    on_exit = function(code, signal)
      exited = { code = code, signal = signal }
    end,
  })
  if not client_id then
    error('vim.lsp.start_client failed')
  end
  if not vim.lsp.buf_attach_client(bufnr, client_id) then
    error('vim.lsp.buf_attach_client failed')
  end

  -- didOpen goes out once initialize is answered; diagnostics follow.
  if not wait(function()
    return #vim.diagnostic.get(bufnr) > 0
  end) then
    fail('no diagnostics (server exit: ' .. vim.inspect(exited) .. ')')
  end
  report.diagnostics = diagnostics(bufnr)
  if exited then
    error('the server exited early: ' .. vim.inspect(exited))
  end

  local line, col = find(bufnr, hovered)
  local responses, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = line, character = col + 1 },
  }, left())
  if not responses then
    fail('hover: ' .. tostring(err))
  else
    local response = responses[client_id] or {}
    if response.err then
      fail('hover: ' .. vim.inspect(response.err))
    end
    local result = response.result
    if type(result) == 'table' and type(result.contents) == 'table' then
      report.hover = {
        kind = result.contents.kind,
        value = result.contents.value,
        range = result.range,
      }
    else
      fail('hover: no contents: ' .. vim.inspect(result))
    end
  end

  local wline, wcol = find(bufnr, wrong)
  vim.api.nvim_buf_set_text(bufnr, wline, wcol, wline, wcol + #wrong, { right })
  if not wait(function()
    return #vim.diagnostic.get(bufnr) == 0
  end) then
    fail('the diagnostics stayed after the correction')
  end
  report.diagnostics_corrected = diagnostics(bufnr)

  -- shutdown, then exit.
  vim.lsp.stop_client(client_id)
  if not wait(function()
    return exited ~= nil
  end) then
    fail('the server did not exit after stop_client')
  end
  report.exit = exited
end

local ok, problem = xpcall(main, debug.traceback)
if not ok then
  fail(tostring(problem))
end
finish()
