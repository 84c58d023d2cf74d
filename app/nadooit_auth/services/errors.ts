/** A refused auth action; `messageKey` is a key of the auth message catalog shown to the person. */
export class AuthRefused extends Error {
  constructor(
    readonly messageKey: string,
    readonly status = 400,
  ) {
    super(messageKey);
  }
}
