/**
 * One key for an address or a building code, so a register's "华庭新村 2 幢" finds the twin's
 * "华庭新村2幢" and a ticket's "274 Main St," finds "274 main st": case, spaces, commas (both
 * widths), middle dots, dashes, underscores, '#' and '号' do not distinguish two places here.
 */
export const addressKey = (s: string): string => s.toLowerCase().replace(/[\s,，·\-_#号]+/g, '');
