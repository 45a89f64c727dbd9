import type { PortalEvent, PortalEventBus } from './ports.js';

/**
 * The in-process event bus. A listener that throws is dropped from that delivery only: one broken
 * stream must not stop the others, and publishing never fails the publisher's work.
 */
export function createPortalEventBus(): PortalEventBus {
  const listeners = new Set<(e: PortalEvent) => void>();
  return {
    publish(e) {
      for (const l of [...listeners]) {
        try {
          l(e);
        } catch {
          // The listener's own stream handles its failure; the publisher must not.
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
