/** The platforms a webhook can target: each id has one folder, module/platforms/<id>/. */
export const platformIds = ['discord', 'slack', 'mattermost', 'rocketchat', 'teams', 'telegram', 'json', 'googlechat'] as const;
export type Platform = (typeof platformIds)[number];
