import { unsupportedParameter } from '../../errors';
import type { ChatCompletionRequest } from '../../schemas/chat';
import type { ChatProfile } from './profile';

type ResponseFormat = NonNullable<ChatCompletionRequest['response_format']>;

/**
 * `response_format` in the model's dialect: Workers AI JSON mode takes the bare JSON schema in
 * `response_format.json_schema`; qwq, mistral-small and gemma-3 take it as `guided_json`;
 * OpenAI-input models take OpenAI's shape; gpt-oss takes Responses `text.format`.
 */
export function jsonModeInputs(format: ResponseFormat | null | undefined, profile: ChatProfile, model: string): Record<string, unknown> | undefined {
  // Undefined without JSON mode (the common request allocates nothing).
  if (!format || format.type === 'text') return undefined;
  const schema = format.type === 'json_schema' ? (format.json_schema.schema ?? { type: 'object' }) : { type: 'object' };
  switch (profile.json) {
    case 'openai':
      return { response_format: format };
    case 'responses':
      return {
        text: {
          format:
            format.type === 'json_schema'
              ? { type: 'json_schema', name: format.json_schema.name, schema, strict: format.json_schema.strict ?? null, ...(format.json_schema.description && { description: format.json_schema.description }) }
              : { type: 'json_object' },
        },
      };
    case 'response_format':
      return { response_format: format.type === 'json_schema' ? { type: 'json_schema', json_schema: schema } : { type: 'json_object' } };
    case 'guided_json':
      return { guided_json: schema };
    default:
      throw unsupportedParameter('response_format', `response_format "${format.type}" is not supported by the model \`${model}\`: it has no JSON mode on Workers AI.`);
  }
}
