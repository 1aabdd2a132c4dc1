// A TCP relay between the client and the hub that a test can break like a mobile network does.
import { connect, createServer, type Server, type Socket } from "node:net";

interface Pair {
  client: Socket;
  hub: Socket;
  frozen: boolean;
}

export class FlakyNetwork {
  readonly #pairs = new Set<Pair>();
  #refusing = false;

  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(hubUrl: string): Promise<FlakyNetwork> {
    const target = new URL(hubUrl);
    let network: FlakyNetwork | undefined;
    const server = createServer((client) => network?.relay(client, Number(target.port), target.hostname));
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    network = new FlakyNetwork(server, `http://127.0.0.1:${port}`);
    return network;
  }

  /** Drop every open connection (the peer sees a reset, close code 1006). */
  cut(): void {
    for (const pair of this.#pairs) {
      pair.client.destroy();
      pair.hub.destroy();
    }
  }

  /** While true, new connections are closed as soon as they open (no network). */
  refuse(refusing: boolean): void {
    this.#refusing = refusing;
  }

  /** Open connections stay open but carry nothing more in either direction (a dead link nobody closed). */
  freeze(): void {
    for (const pair of this.#pairs) {
      pair.frozen = true;
    }
  }

  get connections(): number {
    return this.#pairs.size;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise((done) => this.server.close(done));
  }

  private relay(client: Socket, port: number, host: string): void {
    if (this.#refusing) {
      client.destroy();
      return;
    }
    const pair: Pair = { client, hub: connect(port, host), frozen: false };
    this.#pairs.add(pair);
    client.on("data", (chunk) => pair.frozen || pair.hub.write(chunk));
    pair.hub.on("data", (chunk) => pair.frozen || client.write(chunk));
    const close = () => {
      this.#pairs.delete(pair);
      client.destroy();
      pair.hub.destroy();
    };
    client.on("close", close).on("error", close);
    pair.hub.on("close", close).on("error", close);
  }
}
