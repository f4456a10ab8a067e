import pkg from '../../package.json';

export const modelportVersion: string = pkg.version;
