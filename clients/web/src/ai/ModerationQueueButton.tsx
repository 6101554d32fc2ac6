import { useEffect, useState } from 'react';
import type { Community } from '../api/types';
import { useService } from '../context';
import { ModerationQueue } from './ModerationQueue';
import type { ModerationQueued } from './types';

/** The sidebar's way into the moderation queue, counting items flagged since it was last opened (ModerationQueued). */
export function ModerationQueueButton({ community }: { community: Community }) {
  const service = useService();
  const [open, setOpen] = useState(false);
  const [fresh, setFresh] = useState(0);
  useEffect(
    () =>
      service.onGatewayEvent('ModerationQueued', (p) => {
        if ((p as ModerationQueued).communityId === community.id) setFresh((n) => n + 1);
      }),
    [service, community.id],
  );
  return (
    <>
      <button
        type="button"
        onClick={() => {
          setOpen(true);
          setFresh(0);
        }}
      >
        Moderation queue
        {fresh > 0 && !open && (
          <span className="badge ai-queue-badge">
            {fresh}
            <span className="sr-only"> new</span>
          </span>
        )}
      </button>
      {open && <ModerationQueue community={community} onClose={() => setOpen(false)} />}
    </>
  );
}
