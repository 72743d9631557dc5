/** A problem with the user's configuration: the message names the file (and line) to fix. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = "ConfigError";
  }
}
