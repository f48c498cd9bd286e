/*
 * yamldoc.h — reading YAML with positions: libyaml's document API keeps
 * every node's line and column, and these helpers read nodes for the
 * experiment loader (load*.c) and the testbed file (tbfile.c), so each can
 * report every error of a file in one pass as file:line:col (struct errlist,
 * expt.h).  Nodes and their text belong to the document; nothing here
 * allocates what the caller must free, except the errlist's messages
 * (errlist_free()).
 */
#ifndef VERONA_YAMLDOC_H
#define VERONA_YAMLDOC_H
#include <stddef.h>
#include <jansson.h>
#include <yaml.h>

#include "expt.h"

#define YAMLDOC_MAX_NESTING	64

/* Where n starts (1-based); 1:1 for NULL. */
struct pos		 yamldoc_pos(const yaml_node_t *n);
yaml_node_t		*yamldoc_node(yaml_document_t *, int id);
/* "a scalar", "a list", "a map", for messages. */
const char		*yamldoc_kind(const yaml_node_t *);
int			 yamldoc_is_scalar(const yaml_node_t *);
/* The raw text of a scalar (no substitution); n must be a scalar. */
const char		*yamldoc_text(const yaml_node_t *n);
/* The text of n if it is a scalar, else NULL (n may be NULL). */
const char		*yamldoc_scalar(const yaml_node_t *n);
/* A plain ~, null, Null, NULL or empty scalar. */
int			 yamldoc_is_null(const yaml_node_t *);
/* The value of key in the map m; NULL when m is not a map or has no such key. */
yaml_node_t		*yamldoc_map_get(yaml_document_t *, yaml_node_t *m, const char *key);
size_t			 yamldoc_map_len(const yaml_node_t *m);
/* The key whose value n is, if it is a scalar; NULL otherwise.  For messages. */
const char		*yamldoc_key_of(yaml_document_t *, const yaml_node_t *n);
/* The list that holds n as an item, or NULL.  For messages. */
const yaml_node_t	*yamldoc_list_of(yaml_document_t *, const yaml_node_t *n);

/*
 * Building documents from events: what yaml_parser_load() does, with one
 * difference: the items of one list under the root map (skip_key, e.g.
 * "checks") can be left out of the document, and read later one at a time
 * (load-check.c), each into a small document of its own that is freed
 * before the next.  A file of 27,000 checks then never holds all their
 * nodes at once: libyaml's nodes take ~1 KiB per check, as much again as
 * the checks themselves.
 */
struct yamldoc_builder {
	yaml_document_t	*doc;
	struct { int id, key; } stack[YAMLDOC_MAX_NESTING + 1];
	int		 depth;
	int		 nesting;	/* of every event, left out or not */
	const char	*skip_key;	/* leave out the items of the root's list under this key; NULL none */
	int		 skipping;	/* depth of the events being left out, 0: none */
	int		 skipped;	/* items were left out */
	int		 anchors_seen;	/* an anchor or alias anywhere: do not leave anything out */
	json_t		*anchors;	/* name -> node id */
	int		 done;		/* the document's root is complete */
};

/* The problem a document nested more than YAMLDOC_MAX_NESTING deep reports (compare the pointer). */
extern const char yamldoc_too_deep[];

/* Initializes doc (the caller deletes it) and b (yamldoc_builder_free()). */
void	yamldoc_builder_init(struct yamldoc_builder *b, yaml_document_t *doc, const char *skip_key);
void	yamldoc_builder_free(struct yamldoc_builder *b);
/* One event into the document: 0, or -1 with the problem in the parser's fields, as yaml_parser_load() leaves them. */
int	yamldoc_builder_event(struct yamldoc_builder *b, yaml_parser_t *p, const yaml_event_t *e);
/*
 * The first document of the stream, like yaml_parser_load(); with skip_key,
 * without the items of the root's list under that key (*skipped says
 * whether any were left out).  1; -2 when anchors make leaving out unsafe
 * (doc deleted: load again without skip_key); 0 with the problem in the
 * parser's fields (doc deleted and zeroed).
 */
int	yamldoc_load(yaml_parser_t *p, yaml_document_t *doc, const char *skip_key, int *skipped);
#endif
