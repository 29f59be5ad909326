export const packageName = '@kinetica/reference';
