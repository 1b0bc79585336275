import { h } from './dom.js';

/**
 * Fault switches: arm the emulator's control endpoint (POST /emulator/faults) so that its next
 * replies fail, and watch the functions retry in the transcript (the refused attempt, then the
 * delivery) and in the answer.
 */

const CODES = {
  group: [
    [10002, 'internal error: retried'],
    [10023, 'rate limit: retried after 1 s'],
    [10004, 'invalid parameter: not retried'],
    [10007, 'no permission: not retried'],
  ],
  room: [
    [100001, 'internal error: retried'],
    [100602, 'rate limit: retried after 1 s'],
    [100002, 'invalid parameter: not retried'],
    [100601, 'sender muted: not retried'],
  ],
};
CODES.index = [...CODES.group, ...CODES.room];

const SCOPES = {
  group: ['send_group_msg', 'send_broadcast_msg'],
  room: ['send_text_msg', 'send_custom_msg'],
  index: ['send_group_msg', 'send_broadcast_msg', 'send_text_msg', 'send_custom_msg'],
};

const option = (value, label) => h('option', { value }, label);

const faultSwitches = (page) => {
  const kind = h(
    'select',
    { name: 'fault-kind' },
    option('errorCode', 'reply with an ErrorCode'),
    option('httpStatus', 'reply with an HTTP error'),
    option('delay', 'delay the reply'),
    option('drop-before', 'drop the connection before reading'),
    option('drop-after', 'drop the connection after answering'),
  );
  const code = h(
    'select',
    { name: 'errorCode' },
    CODES[page.kind].map(([c, why]) => option(c, `${c} (${why})`)),
  );
  const httpStatus = h(
    'select',
    { name: 'httpStatus' },
    [502, 503, 500].map((s) => option(s, `HTTP ${s}`)),
  );
  const delayMs = h('input', { name: 'delayMs', type: 'number', min: 0, value: 2000 });
  const count = h('input', { name: 'count', type: 'number', min: 1, max: 100, value: 1 });
  const scope = h(
    'select',
    { name: 'scope' },
    option('', 'any command'),
    SCOPES[page.kind].map((c) => option(c, c)),
  );
  const status = h('p', { class: 'status', role: 'status' });
  const params = {
    errorCode: h('label', { class: 'field' }, 'ErrorCode', code),
    httpStatus: h('label', { class: 'field' }, 'Status', httpStatus),
    delay: h('label', { class: 'field' }, 'Delay (ms)', delayMs),
  };
  const show = () => {
    for (const [name, element] of Object.entries(params)) element.hidden = name !== kind.value;
  };
  kind.addEventListener('change', show);

  const fault = () => {
    const base = { count: Number(count.value) || 1, ...(scope.value && { command: scope.value }) };
    if (kind.value === 'errorCode') return { ...base, errorCode: Number(code.value) };
    if (kind.value === 'httpStatus') return { ...base, httpStatus: Number(httpStatus.value) };
    if (kind.value === 'delay') return { ...base, delayMs: Number(delayMs.value) };
    return { ...base, drop: kind.value === 'drop-before' ? 'before' : 'after' };
  };
  const control = async (method, body) => {
    const reply = await fetch('/emulator/faults', {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body && { body: JSON.stringify(body) }),
    });
    if (!reply.ok) throw new Error(`HTTP ${reply.status}`);
  };
  const arm = async (event) => {
    event.preventDefault();
    const armed = fault();
    try {
      await control('POST', armed);
      status.textContent = `Armed: ${JSON.stringify(armed)}`;
      status.className = 'status ok';
    } catch (error) {
      status.textContent = `Not armed: ${error}`;
      status.className = 'status failed';
    }
  };
  const clear = async () => {
    await control('DELETE');
    status.textContent = 'No fault armed.';
    status.className = 'status';
  };

  const form = h(
    'form',
    { class: 'faults', id: 'fault-form', onsubmit: arm },
    h('h2', {}, 'Fault switches'),
    h(
      'p',
      { class: 'hint' },
      'The emulator answers its next replies this way; the functions retry what is retryable.',
    ),
    h('label', { class: 'field' }, 'Next replies', kind),
    params.errorCode,
    params.httpStatus,
    params.delay,
    h('label', { class: 'field' }, 'How many', count),
    h('label', { class: 'field' }, 'For', scope),
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary' }, 'Arm'),
      h('button', { type: 'button', onclick: clear }, 'Clear faults'),
    ),
    status,
  );
  show();
  return form;
};

export { faultSwitches };
