import { h } from './dom.js';
import { BY_PAGE, COMMANDS, ELEMENTS, mentionsOf } from './requests.js';

/**
 * The send form: builds a request for one of the four routes from a few fields (or lets you edit
 * its JSON), posts it through the emulator to the local API (so the functions do the sending), and
 * shows what was sent beside the function's answer.
 */

const field = (label, input, className = '') =>
  h('label', { class: `field ${className}` }, label, input);
const input = (name, value = '', type = 'text') =>
  h('input', { name, value, type, autocomplete: 'off' });

const sendForm = (page, targets) => {
  const commands = BY_PAGE[page.kind];
  const firstGroup = Object.keys(targets.groups)[0] ?? '';
  const form = h('form', { class: 'send', id: 'send-form' });
  const command = h(
    'select',
    { name: 'command' },
    commands.map((c) => h('option', { value: c }, COMMANDS[c].label)),
  );
  const target = input('target', page.kind === 'index' ? '' : page.id);
  const sender = input('sender');
  const rows = h('div', { class: 'rows' });
  const addType = h(
    'select',
    { name: 'add-type' },
    Object.keys(ELEMENTS).map((k) => h('option', { value: k }, k)),
  );
  const priority = h(
    'select',
    { name: 'MsgPriority' },
    ['', 'High', 'Normal', 'Low'].map((p) => h('option', { value: p }, p || '(default)')),
  );
  const onlineOnly = h('input', { type: 'checkbox', name: 'OnlineOnlyFlag' });
  const mention = h('input', { type: 'checkbox', name: 'GroupAtInfo', checked: true });
  const toAccount = input('To_Account');
  const pushTitle = input('PushTitle');
  const textContent = h('textarea', { name: 'TextContent', rows: 2 }, 'Welcome to the show');
  const extension = input('ExtensionInfo', '{"color":"gold"}');
  const businessId = input('BusinessId', 'gift');
  const customData = h('textarea', { name: 'Data', rows: 2 }, '{"gift":"rose","count":3}');
  const idempotencyKey = input('Idempotency-Key');
  const json = h('textarea', { name: 'request', rows: 10, class: 'json', spellcheck: 'false' });
  const sent = h('pre', { class: 'sent' });
  const status = h('p', { class: 'status' });
  const answer = h('pre', { class: 'answer' });

  const addRow = (kind, values = {}) => {
    const [spec, build] = ELEMENTS[kind];
    const inputs = {};
    const row = h('fieldset', { class: 'row', 'data-type': kind }, h('legend', {}, kind));
    for (let i = 0; i < spec.length; i += 2) {
      inputs[spec[i]] = input(spec[i], values[spec[i]] ?? spec[i + 1]);
      row.append(field(spec[i], inputs[spec[i]]));
    }
    const remove = () => {
      row.remove();
      update();
    };
    row.append(h('button', { type: 'button', class: 'remove', onclick: remove }, 'Remove'));
    row.build = () =>
      build(Object.fromEntries(Object.entries(inputs).map(([k, el]) => [k, el.value])));
    rows.append(row);
  };

  const add = () => {
    addRow(addType.value);
    update();
  };
  const targetLabel = h('span');
  const senderLabel = h('span');
  const parts = {
    target: field(targetLabel, target),
    sender: field(senderLabel, sender),
    elements: h(
      'div',
      { class: 'elements-editor' },
      rows,
      h(
        'div',
        { class: 'add' },
        addType,
        h('button', { type: 'button', onclick: add }, 'Add element'),
      ),
    ),
    group: h(
      'div',
      { class: 'group-options' },
      field('MsgPriority', priority),
      field('Online only', onlineOnly, 'check'),
      field('@-mentions → GroupAtInfo', mention, 'check'),
      field('To_Account (comma-separated)', toAccount),
      field('Push title', pushTitle),
    ),
    text: h('div', {}, field('TextContent', textContent), field('ExtensionInfo (JSON)', extension)),
    custom: h('div', {}, field('BusinessId', businessId), field('Data', customData)),
  };

  const build = () => {
    const c = command.value;
    const body = {};
    if (COMMANDS[c].target) body[COMMANDS[c].target] = target.value;
    if (sender.value) body[COMMANDS[c].sender] = sender.value;
    if (c === 'group' || c === 'broadcast')
      body.MsgBody = [...rows.children].map((row) => row.build());
    if (c === 'group') {
      if (priority.value) body.MsgPriority = priority.value;
      if (onlineOnly.checked) body.OnlineOnlyFlag = 1;
      const texts = body.MsgBody.filter((e) => e.MsgType === 'TIMTextElem').map(
        (e) => e.MsgContent.Text,
      );
      if (mention.checked && mentionsOf(texts).length > 0) body.GroupAtInfo = mentionsOf(texts);
      const to = toAccount.value
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean);
      if (to.length > 0) body.To_Account = to;
      if (pushTitle.value) body.OfflinePushInfo = { Title: pushTitle.value };
    }
    if (c === 'text') {
      body.TextContent = textContent.value;
      if (extension.value) body.ExtensionInfo = extension.value;
    }
    if (c === 'custom')
      Object.assign(body, { BusinessId: businessId.value, Data: customData.value });
    return body;
  };

  const update = () => {
    const c = command.value;
    parts.target.hidden = !COMMANDS[c].target;
    targetLabel.textContent = COMMANDS[c].target ?? '';
    senderLabel.textContent = `${COMMANDS[c].sender} (${c === 'text' ? 'required' : 'optional'})`;
    parts.elements.hidden = !(c === 'group' || c === 'broadcast');
    parts.group.hidden = c !== 'group';
    parts.text.hidden = c !== 'text';
    parts.custom.hidden = c !== 'custom';
    json.value = JSON.stringify(build(), null, 2);
  };

  command.addEventListener('change', () => {
    if (page.kind === 'index')
      target.value =
        COMMANDS[command.value].target === 'RoomId' ? (targets.rooms[0] ?? '') : firstGroup;
    if (command.value === 'text' && !sender.value) sender.value = 'host';
    update();
  });
  form.addEventListener('input', (event) => {
    if (event.target !== json) update();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const headers = { 'content-type': 'application/json' };
    if (idempotencyKey.value) headers['idempotency-key'] = idempotencyKey.value;
    status.textContent = 'Sending…';
    status.className = 'status';
    answer.textContent = '';
    try {
      const reply = await fetch(`/console/send/${COMMANDS[command.value].route}`, {
        method: 'POST',
        headers,
        body: json.value,
      });
      const result = await reply.json();
      sent.textContent = result.request
        ? `${result.request.method} ${result.request.url}\n${Object.entries(result.request.headers)
            .map(([k, v]) => `${k}: ${v}`)
            .join('\n')}\n\n${result.request.body}`
        : '';
      status.textContent =
        result.status !== undefined
          ? `HTTP ${result.status} in ${result.durationMs} ms`
          : result.error;
      status.className = `status ${result.result?.ok ? 'ok' : 'failed'}`;
      answer.textContent =
        result.result !== undefined ? JSON.stringify(result.result, null, 2) : '';
    } catch (error) {
      status.textContent = `The emulator did not answer: ${error}`;
      status.className = 'status failed';
    }
  });

  addRow('text');
  if (page.kind === 'index' && commands[0] === 'group') target.value = firstGroup;
  if (page.kind === 'room') sender.value = 'host';
  form.append(
    h('h2', {}, 'Send through the local API'),
    field('Command', command),
    parts.target,
    parts.sender,
    parts.elements,
    parts.group,
    parts.text,
    parts.custom,
    field('Idempotency-Key (optional)', idempotencyKey),
    field('Request body (edit freely)', json),
    h('button', { type: 'submit', class: 'primary' }, 'Send'),
    h(
      'div',
      { class: 'exchange' },
      h('div', {}, h('h3', {}, 'Sent'), sent),
      h('div', {}, h('h3', {}, 'Answer'), status, answer),
    ),
  );
  update();
  return form;
};

export { sendForm };
