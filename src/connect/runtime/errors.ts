/** Errors the REST layer maps to HTTP statuses (Kafka Connect's ConnectRestException). */
export class ConnectRestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (name: string) => new ConnectRestError(404, `Connector ${name} not found`);
