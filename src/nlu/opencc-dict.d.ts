// opencc-js exports its dictionaries (`./*`) without types: each is one string of pairs.
declare module 'opencc-js/dict/*' {
  const dictionary: string;
  export default dictionary;
}
