// A route that cannot be used: a SluiceError (INVALID_CONFIG) listing every problem, each with the
// key of the field at fault (`gateway.routes[2].predicates[0]`) and the route's id, as the config
// room's ConfigError does for the rest of the file.

import { SluiceError } from '../errors/index.js';

export interface RouteProblem {
  /** `gateway.routes[2].filters[1]` */
  readonly key: string;
  /** The route's id, when it has one. */
  readonly routeId?: string;
  readonly message: string;
}

export const formatRouteProblem = (p: RouteProblem): string =>
  `${p.key}: ${p.routeId === undefined ? '' : `route '${p.routeId}': `}${p.message}`;

export class RouteConfigError extends SluiceError {
  readonly problems: readonly RouteProblem[];
  readonly key: string;

  constructor(problems: readonly RouteProblem[]) {
    super('INVALID_CONFIG', problems.map(formatRouteProblem).join('\n'), {
      details: { key: problems[0]?.key ?? '' },
    });
    this.problems = problems;
    this.key = problems[0]?.key ?? '';
  }
}

/** A problem found while compiling one predicate or filter; compileRoutes adds the key and route. */
export class ArgError extends Error {}
