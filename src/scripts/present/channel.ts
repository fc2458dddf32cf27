// The wire between windows of one presentation: BroadcastChannel where the browser has it,
// else localStorage writes picked up by `storage` events in the other windows (Marp's way).
// `?sync=storage` in the URL forces the fallback (for testing it).
import { decode, encode, type Message } from '../../lib/present/protocol';

export interface Channel { post(msg: Message): void; close(): void; kind: 'broadcast' | 'storage' }

export function openChannel(name: string, onMessage: (msg: Message) => void): Channel {
  const forceStorage = new URLSearchParams(location.search).get('sync') === 'storage';
  if (!forceStorage && typeof BroadcastChannel !== 'undefined') {
    const bc = new BroadcastChannel(name);
    bc.onmessage = (e: MessageEvent) => { const m = e.data as Message; if (m && typeof m === 'object' && 'type' in m) onMessage(m); };
    return {
      kind: 'broadcast',
      post: (msg) => {
        try { bc.postMessage(msg); } catch (err) { console.warn('present: message not sent', err); }
      },
      close: () => bc.close(),
    };
  }
  const key = `ipa-present:${name}`;
  let n = 0;
  const listener = (e: StorageEvent) => {
    if (e.key !== key) return;
    const msg = decode(e.newValue);
    if (msg) onMessage(msg);
  };
  addEventListener('storage', listener);
  return {
    kind: 'storage',
    post: (msg) => {
      try {
        localStorage.setItem(key, encode(msg, `${Date.now()}-${n++}-${Math.random()}`));
      } catch (err) {
        console.warn('present: message too large for the storage fallback', err);
      }
    },
    close: () => removeEventListener('storage', listener),
  };
}
