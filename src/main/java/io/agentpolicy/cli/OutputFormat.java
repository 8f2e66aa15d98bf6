package io.agentpolicy.cli;

/** How a command prints its result: lines for people, or one JSON document for machines. */
enum OutputFormat {
    human,
    json
}
