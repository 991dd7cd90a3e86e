/**
 * The local side of onClientRemoved (store.ts): the listeners of one store instance. Each
 * subscription is its own entry, so the same function subscribed twice is called twice and each
 * unsubscribe removes only its own subscription.
 */

export type RemovalListener = (clientId: string) => void

export class RemovalListeners {
  readonly #subscriptions = new Set<{ readonly listener: RemovalListener }>()

  add(listener: RemovalListener): () => void {
    const subscription = { listener }
    this.#subscriptions.add(subscription)
    return () => void this.#subscriptions.delete(subscription)
  }

  emit(clientId: string): void {
    for (const { listener } of [...this.#subscriptions]) listener(clientId)
  }
}
