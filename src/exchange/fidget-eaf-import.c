/* fidget-eaf-import.c: segments from an ELAN .eaf document, through a mapping file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fidget-eaf-import.h"
#include "fidget-error.h"

/* {{{ The mapping file */

typedef enum
{
  RULE_ACTION,
  RULE_SELF,     /* "=": the value is the code */
  RULE_IGNORE,   /* "-" */
} RuleKind;

typedef struct
{
  RuleKind            kind;
  const FidgetAction *action;
  guint               line;
} Rule;

static char *
rule_key (const char *tier,
          const char *value)
{
  return g_strconcat (tier, "\x1f", value, NULL);
}

static GHashTable *
read_map (FidgetProject  *project,
          const char     *map_path,
          GError        **error)
{
  FidgetTaxonomy *taxonomy = fidget_project_get_taxonomy (project);
  g_autoptr(GHashTable) rules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gsize length;

  if (!g_file_get_contents (map_path, &contents, &length, error))
    return NULL;
  if (memchr (contents, '\0', length) != NULL || !g_utf8_validate (contents, length, NULL))
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("The mapping file %s is not UTF-8 text"), map_path);
      return NULL;
    }
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = lines[i];
      gsize len = strlen (line);
      g_auto(GStrv) fields = NULL;
      g_autofree char *key = NULL;
      Rule *rule, *old;

      if (len > 0 && line[len - 1] == '\r')
        line[len - 1] = '\0';
      if (*line == '\0' || *line == '#')
        continue;
      fields = g_strsplit (line, "\t", -1);
      if (g_strv_length (fields) != 3 || *fields[0] == '\0' || *fields[1] == '\0' ||
          *fields[2] == '\0')
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: expected TIER<TAB>VALUE<TAB>CODE (three fields, none "
                         "empty; * for any tier or value)"), map_path, i + 1);
          return NULL;
        }
      rule = g_new0 (Rule, 1);
      rule->line = i + 1;
      if (g_str_equal (fields[2], "="))
        rule->kind = RULE_SELF;
      else if (g_str_equal (fields[2], "-"))
        rule->kind = RULE_IGNORE;
      else if ((rule->action = fidget_taxonomy_lookup_action (taxonomy, fields[2])) != NULL)
        rule->kind = RULE_ACTION;
      else
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: unknown action code “%s” (the project's taxonomy has no "
                         "such action; = takes the value as the code, - leaves it out)"),
                       map_path, i + 1, fields[2]);
          g_free (rule);
          return NULL;
        }
      key = rule_key (fields[0], fields[1]);
      old = g_hash_table_lookup (rules, key);
      if (old != NULL && (old->kind != rule->kind || old->action != rule->action))
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: tier “%s” and value “%s” already have another rule on "
                         "line %u"), map_path, i + 1, fields[0], fields[1], old->line);
          g_free (rule);
          return NULL;
        }
      g_hash_table_replace (rules, g_steal_pointer (&key), rule);
    }
  return g_steal_pointer (&rules);
}

static const Rule *
find_rule (GHashTable *rules,
           const char *tier,
           const char *value)
{
  const char *tiers[] = { tier, tier, "*", "*" };
  const char *values[] = { value, "*", value, "*" };

  for (guint i = 0; i < G_N_ELEMENTS (tiers); i++)
    {
      g_autofree char *key = rule_key (tiers[i], values[i]);
      const Rule *rule = g_hash_table_lookup (rules, key);

      if (rule != NULL)
        return rule;
    }
  return NULL;
}

/* }}} */
/* {{{ The document */

typedef struct
{
  gboolean has_value;
  gint64   ms;
} Slot;

typedef struct
{
  guint  line;
  char  *tier;
  char  *owner;       /* ANNOTATOR of the tier, or the tier id */
  char  *ref1;
  char  *ref2;
  char  *value;
} Annotation;

typedef struct
{
  const char *path;
  GHashTable *slots;         /* id -> Slot */
  GPtrArray  *annotations;   /* Annotation */
  char       *tier;
  char       *owner;
  Annotation *current;
  GString    *text;
  gboolean    in_value;
  gboolean    seen_root;
} Parser;

static void
annotation_free (Annotation *annotation)
{
  g_free (annotation->tier);
  g_free (annotation->owner);
  g_free (annotation->ref1);
  g_free (annotation->ref2);
  g_free (annotation->value);
  g_free (annotation);
}

static const char *
attribute (const char **names,
           const char **values,
           const char  *name)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], name))
      return values[i];
  return NULL;
}

static guint
current_line (GMarkupParseContext *context)
{
  int line = 0;

  g_markup_parse_context_get_position (context, &line, NULL);
  return (guint) line;
}

static gboolean
require (GMarkupParseContext  *context,
         Parser               *parser,
         const char           *element,
         const char           *name,
         const char           *value,
         GError              **error)
{
  if (value != NULL && *value != '\0')
    return TRUE;
  g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
               _("%s line %u: <%s> has no %s"), parser->path, current_line (context), element,
               name);
  return FALSE;
}

static void
start_element (GMarkupParseContext  *context,
               const char           *element,
               const char          **names,
               const char          **values,
               gpointer              user_data,
               GError              **error)
{
  Parser *parser = user_data;

  if (!parser->seen_root)
    {
      parser->seen_root = TRUE;
      if (!g_str_equal (element, "ANNOTATION_DOCUMENT"))
        g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                     _("%s line %u: the document is <%s>, not an ELAN <ANNOTATION_DOCUMENT>"),
                     parser->path, current_line (context), element);
      return;
    }

  if (g_str_equal (element, "TIME_SLOT"))
    {
      const char *id = attribute (names, values, "TIME_SLOT_ID");
      const char *time = attribute (names, values, "TIME_VALUE");
      Slot *slot;

      if (!require (context, parser, element, "TIME_SLOT_ID", id, error))
        return;
      if (g_hash_table_contains (parser->slots, id))
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: the time slot “%s” is defined twice"), parser->path,
                       current_line (context), id);
          return;
        }
      slot = g_new0 (Slot, 1);
      if (time != NULL)
        {
          if (!g_ascii_string_to_signed (time, 10, 0, G_MAXINT64 / 4, &slot->ms, NULL))
            {
              g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                           _("%s line %u: the time “%s” of slot “%s” is not a time in "
                             "milliseconds (a whole number, 0 or more)"), parser->path,
                           current_line (context), time, id);
              g_free (slot);
              return;
            }
          slot->has_value = TRUE;
        }
      g_hash_table_insert (parser->slots, g_strdup (id), slot);
    }
  else if (g_str_equal (element, "TIER"))
    {
      const char *id = attribute (names, values, "TIER_ID");
      const char *annotator = attribute (names, values, "ANNOTATOR");

      if (!require (context, parser, element, "TIER_ID", id, error))
        return;
      g_free (parser->tier);
      g_free (parser->owner);
      parser->tier = g_strdup (id);
      parser->owner = g_strdup (annotator != NULL && *annotator != '\0' ? annotator : id);
    }
  else if (g_str_equal (element, "ALIGNABLE_ANNOTATION"))
    {
      const char *ref1 = attribute (names, values, "TIME_SLOT_REF1");
      const char *ref2 = attribute (names, values, "TIME_SLOT_REF2");

      if (parser->tier == NULL || parser->current != NULL)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: <ALIGNABLE_ANNOTATION> outside a <TIER>"), parser->path,
                       current_line (context));
          return;
        }
      if (!require (context, parser, element, "TIME_SLOT_REF1", ref1, error) ||
          !require (context, parser, element, "TIME_SLOT_REF2", ref2, error))
        return;
      parser->current = g_new0 (Annotation, 1);
      parser->current->line = current_line (context);
      parser->current->tier = g_strdup (parser->tier);
      parser->current->owner = g_strdup (parser->owner);
      parser->current->ref1 = g_strdup (ref1);
      parser->current->ref2 = g_strdup (ref2);
    }
  else if (g_str_equal (element, "ANNOTATION_VALUE") && parser->current != NULL)
    {
      parser->in_value = TRUE;
      g_string_truncate (parser->text, 0);
    }
}

static void
end_element (GMarkupParseContext  *context,
             const char           *element,
             gpointer              user_data,
             GError              **error)
{
  Parser *parser = user_data;

  if (g_str_equal (element, "ANNOTATION_VALUE") && parser->in_value)
    {
      parser->in_value = FALSE;
      g_free (parser->current->value);
      parser->current->value = g_strstrip (g_strdup (parser->text->str));
    }
  else if (g_str_equal (element, "ALIGNABLE_ANNOTATION") && parser->current != NULL)
    {
      if (parser->current->value == NULL)
        parser->current->value = g_strdup ("");
      g_ptr_array_add (parser->annotations, g_steal_pointer (&parser->current));
    }
  else if (g_str_equal (element, "TIER"))
    {
      g_clear_pointer (&parser->tier, g_free);
      g_clear_pointer (&parser->owner, g_free);
    }
}

static void
text (GMarkupParseContext  *context,
      const char           *text_value,
      gsize                 length,
      gpointer              user_data,
      GError              **error)
{
  Parser *parser = user_data;

  if (parser->in_value)
    g_string_append_len (parser->text, text_value, length);
}

static const GMarkupParser markup_parser = { start_element, end_element, text, NULL, NULL };

/* }}} */

/* The frame whose start is nearest to @ms (ties to the later one); -1 past any frame. */
static gint64
ms_to_frame (const FidgetVideo *video,
             gint64             ms)
{
  if (ms > G_MAXINT64 / 4 / video->fps_num)
    return -1;
  return (2 * ms * video->fps_num + 1000 * (gint64) video->fps_den) /
         (2000 * (gint64) video->fps_den);
}

static char *
segment_key (const char *annotator,
             gint64      start,
             gint64      end,
             const char *action_code)
{
  g_autofree char *who = g_utf8_casefold (annotator, -1);

  return g_strdup_printf ("%s|%" G_GINT64_FORMAT "|%" G_GINT64_FORMAT "|%s", who, start, end,
                          action_code);
}

typedef struct
{
  const Annotation   *annotation;
  const char         *annotator;
  const FidgetAction *action;
  gint64              start;
  gint64              end;
} Planned;

gboolean
fidget_dataset_import_eaf (FidgetProject          *project,
                           gint64                  video_id,
                           const char             *eaf_path,
                           const char             *map_path,
                           const char             *annotator,
                           FidgetEafImportReport  *report,
                           GError                **error)
{
  FidgetTaxonomy *taxonomy;
  g_autoptr(GHashTable) rules = NULL;
  g_autoptr(FidgetVideo) video = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GHashTable) slots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) annotations = g_ptr_array_new_with_free_func ((GDestroyNotify) annotation_free);
  g_autoptr(GString) text_buffer = g_string_new (NULL);
  g_autoptr(GArray) planned = g_array_new (FALSE, FALSE, sizeof (Planned));
  g_autoptr(GHashTable) present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) segments = NULL;
  g_autoptr(GError) local_error = NULL;
  FidgetEafImportReport local_report = { 0 };
  Parser parser = { 0 };
  gsize length;
  gboolean parsed;

  g_return_val_if_fail (FIDGET_IS_PROJECT (project), FALSE);
  g_return_val_if_fail (eaf_path != NULL, FALSE);
  g_return_val_if_fail (map_path != NULL, FALSE);

  if (report == NULL)
    report = &local_report;
  memset (report, 0, sizeof *report);
  taxonomy = fidget_project_get_taxonomy (project);

  if (!(video = fidget_project_get_video (project, video_id, error)) ||
      !(rules = read_map (project, map_path, error)) ||
      !g_file_get_contents (eaf_path, &contents, &length, error))
    return FALSE;

  parser.path = eaf_path;
  parser.slots = slots;
  parser.annotations = annotations;
  parser.text = text_buffer;
  context = g_markup_parse_context_new (&markup_parser, 0,
                                        &parser, NULL);
  parsed = g_markup_parse_context_parse (context, contents, length, &local_error) &&
           g_markup_parse_context_end_parse (context, &local_error);
  g_free (parser.tier);
  g_free (parser.owner);
  g_clear_pointer (&parser.current, annotation_free);
  if (!parsed)
    {
      if (local_error->domain == FIDGET_ERROR)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                     _("%s is not well-formed XML: %s"), eaf_path, local_error->message);
      return FALSE;
    }
  if (!parser.seen_root)
    {
      g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                   _("%s holds no ELAN <ANNOTATION_DOCUMENT>"), eaf_path);
      return FALSE;
    }
  report->n_annotations = annotations->len;

  /* Map and place every annotation before writing anything. */
  for (guint i = 0; i < annotations->len; i++)
    {
      const Annotation *annotation = g_ptr_array_index (annotations, i);
      const Rule *rule = find_rule (rules, annotation->tier, annotation->value);
      const Slot *slots_at[2] = { g_hash_table_lookup (slots, annotation->ref1),
                                  g_hash_table_lookup (slots, annotation->ref2) };
      const char *refs[2] = { annotation->ref1, annotation->ref2 };
      Planned plan = { annotation, annotator != NULL ? annotator : annotation->owner, NULL, 0, 0 };
      gint64 frames[2];

      if (rule == NULL)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: no rule in %s maps tier “%s” with value “%s” (add a "
                         "line “%s<TAB>%s<TAB>CODE”, or - as the code to leave it out)"),
                       eaf_path, annotation->line, map_path, annotation->tier,
                       annotation->value, annotation->tier, annotation->value);
          return FALSE;
        }
      if (rule->kind == RULE_IGNORE)
        {
          report->n_ignored++;
          continue;
        }
      plan.action = rule->kind == RULE_ACTION ? rule->action
                                              : fidget_taxonomy_lookup_action (taxonomy,
                                                                               annotation->value);
      if (plan.action == NULL)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: the value “%s” is not an action code of the project "
                         "(%s line %u takes values as codes)"), eaf_path, annotation->line,
                       annotation->value, map_path, rule->line);
          return FALSE;
        }
      for (guint k = 0; k < 2; k++)
        {
          if (slots_at[k] == NULL || !slots_at[k]->has_value)
            {
              g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                           _("%s line %u: the time slot “%s” %s"), eaf_path, annotation->line,
                           refs[k], slots_at[k] == NULL ? _("is not defined")
                                                        : _("has no time"));
              return FALSE;
            }
          frames[k] = ms_to_frame (video, slots_at[k]->ms);
        }
      if (frames[0] < 0 || frames[1] < 0 || frames[1] > video->frame_count ||
          frames[0] >= video->frame_count)
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT " ms lies "
                         "outside video %" G_GINT64_FORMAT " (%" G_GINT64_FORMAT " frames)"),
                       eaf_path, annotation->line, slots_at[0]->ms, slots_at[1]->ms,
                       video->id, video->frame_count);
          return FALSE;
        }
      if (frames[1] <= frames[0])
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT " ms covers "
                         "no whole frame on the video's frame grid (the end must come at least "
                         "one frame after the start)"), eaf_path, annotation->line,
                       slots_at[0]->ms, slots_at[1]->ms);
          return FALSE;
        }
      if (plan.annotator == NULL || *plan.annotator == '\0')
        {
          g_set_error (error, FIDGET_ERROR, FIDGET_ERROR_INVALID,
                       _("%s line %u: the annotation has no owner (give one with --annotator)"),
                       eaf_path, annotation->line);
          return FALSE;
        }
      plan.start = frames[0];
      plan.end = frames[1];
      g_array_append_val (planned, plan);
    }

  if (!(segments = fidget_project_list_segments (project, video->id, error)))
    return FALSE;
  for (guint s = 0; s < segments->len; s++)
    {
      const FidgetSegment *segment = g_ptr_array_index (segments, s);
      g_hash_table_add (present, segment_key (segment->annotator_name, segment->start_frame,
                                              segment->end_frame, segment->action_code));
    }

  for (guint i = 0; i < planned->len; i++)
    {
      const Planned *plan = &g_array_index (planned, Planned, i);
      g_autofree char *key = segment_key (plan->annotator, plan->start, plan->end,
                                          plan->action->code);
      g_autofree char *folded = g_utf8_casefold (plan->annotator, -1);
      g_autoptr(FidgetSegment) segment = NULL;

      if (g_hash_table_contains (present, key))
        {
          report->n_present++;
          continue;
        }
      if (!g_hash_table_contains (known, folded))
        {
          g_autoptr(FidgetAnnotator) person = NULL;
          g_autoptr(GError) lookup_error = NULL;

          person = fidget_project_lookup_annotator (project, plan->annotator, &lookup_error);
          if (person == NULL)
            {
              if (!g_error_matches (lookup_error, FIDGET_ERROR, FIDGET_ERROR_NOT_FOUND))
                {
                  g_propagate_error (error, g_steal_pointer (&lookup_error));
                  return FALSE;
                }
              person = fidget_project_add_annotator (project, plan->annotator, error);
              if (person == NULL)
                return FALSE;
              report->n_annotators_added++;
            }
          g_hash_table_add (known, g_steal_pointer (&folded));
        }
      segment = fidget_project_add_segment (project, video->id, plan->annotator, plan->start,
                                            plan->end, plan->action->code, error);
      if (segment == NULL)
        {
          g_prefix_error (error, _("%s line %u: "), eaf_path, plan->annotation->line);
          return FALSE;
        }
      g_hash_table_add (present, g_steal_pointer (&key));
      report->n_added++;
    }
  return TRUE;
}
