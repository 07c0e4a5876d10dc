// What a server's dashboard serves, chosen by whoever assembles the server. Its own module, so the
// server's dependency types can name it without importing the router (which imports them).

/** Where the scenario runner writes its runs, relative to the working directory (SPEC §5.2). */
export const DEFAULT_RUNS_DIR = '.aftershock/runs';

export interface DashboardOptions {
  /** The runner's output folder (default `.aftershock/runs` under the working directory). */
  runsDir?: string;
  /** A built bundle to serve (default: the cached build of the current sources). */
  bundleDir?: string;
  /**
   * Where the build of the current sources is (default: its folder in the build cache). Asked again
   * whenever the folder last found holds no build, so a rebuild while the server runs (`npm install`,
   * `npm run build:dashboard`, which remove builds of older sources) is served instead of a 503.
   */
  locateBundle?: () => string;
}
