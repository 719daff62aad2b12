-- Driven by tests/test_lsp.py: Neovim's own LSP client (vim.lsp) starts `macrotrace lsp`,
-- opens MT_FILE, asks for a hover at MT_LINE:MT_COL (from 1) and writes the hover's
-- text to MT_OUT (or "ERROR: ..." when something fails), then quits.
local function finish(text)
  local fh = io.open(os.getenv("MT_OUT"), "w")
  fh:write(text)
  fh:close()
  vim.cmd("qall!")
end

local ok, err = pcall(function()
  vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("MT_FILE")))
  local buf = vim.api.nvim_get_current_buf()
  local id = vim.lsp.start_client({
    name = "macrotrace",
    cmd = { os.getenv("MT_PYTHON"), "-m", "macrotrace", "lsp" },
    root_dir = vim.fn.fnamemodify(os.getenv("MT_FILE"), ":h"),
  })
  assert(id, "the client did not start")
  vim.lsp.buf_attach_client(buf, id)
  local client = vim.lsp.get_client_by_id(id)
  assert(vim.wait(60000, function() return client.initialized end, 50), "no initialize answer")
  vim.api.nvim_win_set_cursor(0, { tonumber(os.getenv("MT_LINE")), tonumber(os.getenv("MT_COL")) - 1 })
  local params = vim.lsp.util.make_position_params()
  local answers, why = vim.lsp.buf_request_sync(buf, "textDocument/hover", params, 120000)
  assert(answers, "no hover answer: " .. tostring(why))
  local answer = answers[id]
  assert(answer and answer.result, "empty hover: " .. vim.inspect(answer))
  finish(answer.result.contents.value)
end)
if not ok then
  finish("ERROR: " .. tostring(err))
end
