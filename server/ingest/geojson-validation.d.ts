/** The part of geojson-validation we use (the package ships no types). With trace = true it returns the problems found. */
declare module 'geojson-validation' {
  const GJV: {
    isFeature(value: unknown, trace: true): string[];
    isFeature(value: unknown, trace?: false): boolean;
  };
  export default GJV;
}
