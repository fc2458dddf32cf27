#!/usr/bin/env python3
"""Drives the GPU bench page without Node: for a machine that has Python and a Chromium but no
node_modules (the lent GPU machine, see README.md). Made by `node bench/gpu.mjs --pack DIR`, which
writes this file beside the bundled page (index.html, bench.js, ort/, config-*.json, flags.json).

    python3 DIR/run.py --full [--chromium PATH] [--timeout 540] [--log FILE]

Serves DIR on 127.0.0.1, opens index.html?autorun in headless Chromium with the WebGPU flags; the
page fetches /config.json, runs the bench and posts its report to /result, which is printed. The
printed table is the page's own (formatReport), the same as bench/gpu.mjs prints. Standard
library only."""
import argparse, json, os, shutil, subprocess, sys, tempfile, threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument('--full', action='store_true', help='real SD1.5 sizes, fp16 (needs shader-f16)')
    mode.add_argument('--tiny', action='store_true', help='tiny networks (smoke test)')
    ap.add_argument('--chromium', default=None)
    ap.add_argument('--timeout', type=float, default=540)
    ap.add_argument('--log', default=None, help="file for Chromium's own output")
    ap.add_argument('--no-gpu-flags', action='store_true')
    ap.add_argument('--gpu-flags', default=None, help="replaces flags.json's GPU flags (space-separated)")
    ap.add_argument('--probe', action='append', default=[], metavar='FLAGS',
                    help='a GPU flag set to try first (repeatable): each opens probe.html and prints what requestAdapter answers; '
                         'the bench then runs with the first set that gives a hardware adapter with shader-f16 (else the default set)')
    a = ap.parse_args()

    chromium = a.chromium or next((p for p in [os.environ.get('CHROMIUM_PATH'), os.path.join(HERE, 'chromium', 'chrome-headless-shell'),
                                               shutil.which('chromium'), shutil.which('chromium-headless-shell'), shutil.which('google-chrome')] if p and os.path.exists(p)), None)
    if not chromium:
        print('No Chromium found: pass --chromium PATH (a headless shell is enough).', file=sys.stderr)
        return 2
    config = os.path.join(HERE, 'config-full.json' if a.full else 'config-tiny.json')
    flags = json.load(open(os.path.join(HERE, 'flags.json')))
    if a.gpu_flags is not None:
        flags['gpu'] = a.gpu_flags.split()
    done = threading.Event()
    result = {}
    probed = []
    out_dir = os.environ.get('OUT', HERE)
    for name in ('gpu-bench-partial.json', 'gpu-bench-partial.txt', 'gpu-bench.json', 'gpu-bench.txt'):
        if os.path.exists(os.path.join(out_dir, name)):
            os.remove(os.path.join(out_dir, name))  # a stale report must not pass for this run's

    def save(r, name):
        json.dump(r['report'], open(os.path.join(out_dir, name + '.json'), 'w'), indent=1)
        open(os.path.join(out_dir, name + '.txt'), 'w').write(r['text'] + '\n')

    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args, **kw):
            super().__init__(*args, directory=HERE, **kw)

        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path.split('?')[0] == '/config.json':
                body = open(config, 'rb').read()
                self.send_response(200)
                self.send_header('content-type', 'application/json')
                self.send_header('content-length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

        def do_POST(self):
            n = int(self.headers.get('content-length', 0))
            body = self.rfile.read(n)
            self.send_response(204)
            self.end_headers()
            path = self.path.split('?')[0]
            if path == '/log':  # a progress line, as it happens
                print(f'  {body.decode("utf-8", "replace")}', flush=True)
            elif path == '/probe':
                probed.append(json.loads(body))
                done.set()
            elif path == '/partial':  # the report after a stage: kept in case a later one fails
                save(json.loads(body), 'gpu-bench-partial')
            else:
                result.update(json.loads(body))
                done.set()

    Handler.extensions_map = {**SimpleHTTPRequestHandler.extensions_map, '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm'}
    server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f'http://127.0.0.1:{server.server_address[1]}/?autorun'
    out = open(a.log, 'w') if a.log else subprocess.DEVNULL

    def run_once(gpu_flags, page=url, timeout=None):
        done.clear()
        result.clear()
        profile = tempfile.mkdtemp(prefix='gpu-bench-')
        # Libraries carried for Chromium alone (device.sh): Python itself keeps the machine's own.
        env = dict(os.environ)
        if os.environ.get('CHROMIUM_LIBRARY_PATH'):
            env['LD_LIBRARY_PATH'] = os.environ['CHROMIUM_LIBRARY_PATH']
        gpu = gpu_flags if isinstance(gpu_flags, list) else flags['gpu'] if gpu_flags else []
        proc = subprocess.Popen([chromium, *flags['base'], *gpu, f'--user-data-dir={profile}', page], stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            if not done.wait(timeout or a.timeout):
                result['error'] = f'no result within {a.timeout:.0f} s (Chromium {"exited with " + str(proc.returncode) if proc.poll() is not None else "still running"})'
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
            shutil.rmtree(profile, ignore_errors=True)

    try:
        probe_url = f'http://127.0.0.1:{server.server_address[1]}/probe.html'
        for fs in a.probe:
            n = len(probed)
            if out is not subprocess.DEVNULL:
                out.write(f'\n===== probe [{fs}]\n')
                out.flush()
            run_once(fs.split(), probe_url, 30)
            answers = probed[n] if len(probed) > n else [{'error': result.get('error', 'no answer')}]
            print(f'probe [{fs}]:', flush=True)
            for r in answers:
                if r.get('vendor') is not None:
                    print(f"  {r['options']}: {r['vendor']} / {r['architecture']} / {r['description']} fallback={r['fallback']} "
                          f"shader-f16={'shader-f16' in r['features']} maxBuffer={r['maxBufferSize']} features={','.join(r['features'])}", flush=True)
                else:
                    print(f'  {r}', flush=True)
            good = next((r for r in answers if r.get('vendor') is not None and not r['fallback'] and 'shader-f16' in r['features']
                         and 'swiftshader' not in f"{r['architecture']} {r['description']}".lower()), None)
            if good:
                flags['gpu'] = [f for f in fs.split() if not f.startswith(('--enable-logging', '--v=', '--vmodule'))]  # logging would cost time
                print(f'using [{fs}]', flush=True)
                break
        if out is not subprocess.DEVNULL:
            out.write('\n===== bench\n')
            out.flush()
        run_once(not a.no_gpu_flags)
        if not a.no_gpu_flags and 'no WebGPU adapter' in result.get('error', ''):
            # Some builds offer no adapter with the Vulkan flags on a machine without a GPU.
            print('No WebGPU adapter with the GPU flags; trying again without them.', file=sys.stderr)
            run_once(False)
    finally:
        server.shutdown()
    if 'error' in result:
        print(f'The bench page failed: {result["error"]}', file=sys.stderr)
        partial = result.get('partial')
        if not partial and os.path.exists(os.path.join(out_dir, 'gpu-bench-partial.txt')):
            partial = {'text': open(os.path.join(out_dir, 'gpu-bench-partial.txt')).read()}
        if partial:
            print('What finished before that:\n' + partial['text'])
        return 1
    print(result['text'])
    save(result, 'gpu-bench')
    if not result['report']['placementOk']:
        print('Some nodes did not run on WebGPU: these figures do not measure the WebGPU graphs.', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
