import { fromEnv } from '@aws-sdk/credential-provider-env';

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the bundles (esbuild.config.mjs aliases it).
 *
 * Lambda always hands the function its role's credentials in AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, the first place the SDK's default chain looks. The
 * rest of that chain (SSO, shared ini files, web identity, process, container and instance
 * metadata) is never reached in Lambda, yet it brings in STS and SSO clients: about 90 KB of each
 * bundle and of its cold start. `npm start` and the tests set the variables too.
 */
const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);

export { defaultProvider };
