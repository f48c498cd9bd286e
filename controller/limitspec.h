/*
 * limitspec.h — verona run|grade --limits memory=1G,processes=256,cpus=1,disk=256M:
 * the resource limits of each host of a run (the agent's cgroup, see
 * agent/cgroup.h), sent in the hello frame.
 */
#ifndef VERONA_LIMITSPEC_H
#define VERONA_LIMITSPEC_H
#include <stddef.h>
#include <jansson.h>

/*
 * Parses a --limits value (NULL or "": every default) into a new object
 * {memory, processes, cpus, disk} with every key set (caller owns).
 * Returns NULL with err naming the bad part.
 */
json_t	*limitspec_parse(const char *spec, char *err, size_t errlen);

#endif
