import { describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ServiceContext } from '../context';
import { ChatService } from '../service';
import { TokenStore } from '../api/http';
import { community } from '../test/fixtures';
import { DeskSettings } from './DeskSettings';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** A front door whose settings read is answered only when the test says so; PATCH bodies are recorded. */
function slowServer() {
  const patches: unknown[] = [];
  const reads: ((r: Response) => void)[] = [];
  const fetcher = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (init?.method === 'GET' && url.endsWith('/communities/1/support')) return new Promise<Response>((resolve) => reads.push(resolve));
    if (init?.method === 'PATCH' && url.endsWith('/communities/1')) {
      const body = JSON.parse(String(init.body)) as { supportDesk: unknown };
      patches.push(body.supportDesk);
      return json(200, { ...community(), supportDesk: body.supportDesk });
    }
    return json(404, { code: 'not_found' });
  }) as typeof fetch;
  const service = new ChatService('http://chaos.test', new TokenStore(null), undefined, fetcher);
  render(
    <ServiceContext.Provider value={service}>
      <DeskSettings community={community()} />
    </ServiceContext.Provider>,
  );
  return { patches, reads };
}

describe('DeskSettings', () => {
  it('keeps its fields disabled until the saved settings are in, so a late answer cannot overwrite what the manager types', async () => {
    const { patches, reads } = slowServer();
    const offline = screen.getByLabelText('Offline message');
    expect(offline).toBeDisabled();
    expect(screen.getByLabelText('Guests can start support chats')).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Save desk settings' })).toBeDisabled();
    await waitFor(() => expect(reads).toHaveLength(1));
    reads[0](json(200, { enabled: false, greeting: 'Hello there', offlineMessage: '' }));
    await waitFor(() => expect(offline).toBeEnabled());
    expect(screen.getByLabelText('Greeting')).toHaveValue('Hello there');

    await userEvent.click(screen.getByLabelText('Guests can start support chats'));
    await userEvent.type(offline, 'Nobody is online');
    await userEvent.click(screen.getByRole('button', { name: 'Save desk settings' }));
    await screen.findByText('Saved.');
    expect(patches).toEqual([{ enabled: true, greeting: 'Hello there', offlineMessage: 'Nobody is online' }]);
  });

  it('says so when the settings cannot be read, stays disabled, and reads again on request', async () => {
    const { reads } = slowServer();
    await waitFor(() => expect(reads).toHaveLength(1));
    reads[0](json(503, { code: 'unavailable', detail: 'Try again in a moment.' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The desk settings could not be loaded: Try again in a moment.');
    expect(screen.getByLabelText('Greeting')).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(reads).toHaveLength(2));
    reads[1](json(200, { enabled: true, greeting: 'Hi', offlineMessage: 'Later' }));
    await waitFor(() => expect(screen.getByLabelText('Greeting')).toBeEnabled());
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByLabelText('Offline message')).toHaveValue('Later');
  });
});
