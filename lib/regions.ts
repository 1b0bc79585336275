/** Tencent Cloud Chat data centers and their REST API domains (reference B.1). */
const REGION_DOMAINS = {
  china: 'console.tim.qq.com',
  singapore: 'adminapisgp.im.qcloud.com',
  seoul: 'adminapikr.im.qcloud.com',
  tokyo: 'adminapijpn.im.qcloud.com',
  frankfurt: 'adminapiger.im.qcloud.com',
  mumbai: 'adminapiind.im.qcloud.com',
  'silicon-valley': 'adminapiusa.im.qcloud.com',
  jakarta: 'adminapiidn.im.qcloud.com',
} as const;

type Region = keyof typeof REGION_DOMAINS;

const REGIONS = Object.keys(REGION_DOMAINS) as Region[];

const isRegion = (value: string): value is Region => Object.hasOwn(REGION_DOMAINS, value);

const baseUrlForRegion = (region: Region): string => `https://${REGION_DOMAINS[region]}`;

export type { Region };
export { baseUrlForRegion, isRegion, REGION_DOMAINS, REGIONS };
