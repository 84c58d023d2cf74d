/**
 * The bot endpoints (mounted by nadooit_api_executions_system before this app) described for the OpenAPI
 * document. They keep the original's wire contract (legacy-core §5), so they are documented by hand.
 */

const formFields = (properties: Record<string, unknown>, required: string[]) => {
  const schema = { type: 'object', properties, required };
  return {
    required: true,
    content: {
      'application/x-www-form-urlencoded': { schema },
      'multipart/form-data': { schema },
      'application/json': { schema },
    },
  };
};

const message = (key: 'success' | 'error', example: string) => ({
  'application/json': { schema: { type: 'object', properties: { [key]: { type: 'string' } } }, example: { [key]: example } },
});

const credentials = {
  NADOOIT__API_KEY: { type: 'string', description: 'The API key (or send it as Authorization: Bearer)' },
  NADOOIT__USER_CODE: { type: 'string', description: "The key owner's user code (exact, case-sensitive)" },
};

export const legacyPaths = {
  '/api/executions': {
    post: {
      tags: ['bots (legacy)'],
      summary: 'Record one run of a customer program (bots; wire-compatible with the original)',
      description:
        'Checks in this order: key present (400 "Invalid request") → key active (403 "Invalid API Key") → user code (403 "User code is not valid") → owner active (403 "User is not active") → program_id a UUID (400 "Invalid request") → customer program exists (400 "Program does not exist") → owner employed by its customer (400 "User is not an employee of the company") → time_saved a whole number (400 "Invalid request" + detail) within 0…MAX_TIME_SAVED_SECONDS (400) → program active (400). Idempotency-Key header or idempotency_key field: a retry returns the first answer.',
      parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } }],
      requestBody: formFields(
        {
          ...credentials,
          program_id: { type: 'string', format: 'uuid', description: 'The CustomerProgram id' },
          time_saved: { type: 'integer', minimum: 0, description: 'Seconds saved; missing or 0 = program default' },
          idempotency_key: { type: 'string', maxLength: 255 },
        },
        ['NADOOIT__USER_CODE', 'program_id'],
      ),
      responses: {
        200: {
          description: 'Booked (or the first answer of an idempotent retry)',
          content: {
            'application/json': {
              example: {
                success: 'Execution created',
                execution_id: '6f1c2b1e-7a4e-4b1f-9a53-1d2f3c4b5a69',
                charged_seconds: 300,
                covered_seconds: 100,
                price: '2.000000',
                currency: 'EUR',
                balance_seconds: 0,
              },
            },
          },
        },
        400: { description: 'Invalid request / program / employment / time_saved', content: message('error', 'Program does not exist') },
        403: { description: 'Key or user refused', content: message('error', 'Invalid API Key') },
        409: { description: 'Idempotency key reused for a different request', content: message('error', '…') },
        429: { description: 'Rate limited', content: message('error', '…') },
      },
    },
  },
  '/api/users/check': {
    post: {
      tags: ['bots (legacy)'],
      summary: 'Is a colleague\'s user code active? (only people sharing a customer with the caller)',
      requestBody: formFields({ ...credentials, NADOOIT__USER_CODE_TO_CHECK: { type: 'string' } }, ['NADOOIT__USER_CODE', 'NADOOIT__USER_CODE_TO_CHECK']),
      responses: {
        200: { description: 'Active', content: message('success', 'User to check is active') },
        400: { description: 'Unknown key ("Invalid request"), unknown or unrelated user ("User does not exist"), or inactive user (success body!)', content: message('success', 'User to check is not active') },
        403: { description: 'Caller refused', content: message('error', 'Your API Key is not valid') },
      },
    },
  },
} as const;
