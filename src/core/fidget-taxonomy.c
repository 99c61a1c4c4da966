/* fidget-taxonomy.c: body parts and actions, the two-level label scheme
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "fidget-taxonomy-private.h"

struct _FidgetTaxonomy
{
  GObject       parent_instance;

  /* Every string of every entry, owned here so the entries can hand out const pointers. */
  GStringChunk *strings;

  /* FidgetBodyPart / FidgetAction, each allocated on its own so that the pointers handed out
   * (and FidgetAction.body_part) stay valid while the arrays grow. */
  GPtrArray    *body_parts;
  GPtrArray    *actions;

  /* Codes are matched without regard to ASCII case; keys point into the entries. */
  GHashTable   *body_parts_by_code;
  GHashTable   *actions_by_code;
  /* gint64 row id -> action, only for ids > 0 (0 means "not stored in a project"). */
  GHashTable   *actions_by_id;
  /* GINT_TO_POINTER (model_index) -> action, only for model_index >= 0. */
  GHashTable   *actions_by_model_index;
};

G_DEFINE_FINAL_TYPE (FidgetTaxonomy, fidget_taxonomy, G_TYPE_OBJECT)

static guint
code_hash (gconstpointer key)
{
  const char *p = key;
  guint h = 5381;

  for (; *p != '\0'; p++)
    h = (h << 5) + h + (guchar) g_ascii_tolower (*p);

  return h;
}

static gboolean
code_equal (gconstpointer a,
            gconstpointer b)
{
  return g_ascii_strcasecmp (a, b) == 0;
}

static gboolean
is_color (const char *color)
{
  if (color[0] != '#' || strlen (color) != 7)
    return FALSE;
  for (guint i = 1; i < 7; i++)
    if (!g_ascii_isxdigit (color[i]))
      return FALSE;
  return TRUE;
}

static void
fidget_taxonomy_finalize (GObject *object)
{
  FidgetTaxonomy *self = (FidgetTaxonomy *)object;

  g_clear_pointer (&self->actions_by_model_index, g_hash_table_unref);
  g_clear_pointer (&self->actions_by_id, g_hash_table_unref);
  g_clear_pointer (&self->actions_by_code, g_hash_table_unref);
  g_clear_pointer (&self->body_parts_by_code, g_hash_table_unref);
  g_clear_pointer (&self->actions, g_ptr_array_unref);
  g_clear_pointer (&self->body_parts, g_ptr_array_unref);
  g_clear_pointer (&self->strings, g_string_chunk_free);

  G_OBJECT_CLASS (fidget_taxonomy_parent_class)->finalize (object);
}

static void
fidget_taxonomy_class_init (FidgetTaxonomyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = fidget_taxonomy_finalize;
}

static void
fidget_taxonomy_init (FidgetTaxonomy *self)
{
  self->strings = g_string_chunk_new (2048);
  self->body_parts = g_ptr_array_new_with_free_func (g_free);
  self->actions = g_ptr_array_new_with_free_func (g_free);
  self->body_parts_by_code = g_hash_table_new (code_hash, code_equal);
  self->actions_by_code = g_hash_table_new (code_hash, code_equal);
  self->actions_by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->actions_by_model_index = g_hash_table_new (NULL, NULL);
}

/**
 * fidget_taxonomy_new:
 *
 * Creates an empty taxonomy, to be filled with fidget_taxonomy_append_body_part() and
 * fidget_taxonomy_append_action() in display order.
 *
 * Returns: (transfer full): a new #FidgetTaxonomy
 */
FidgetTaxonomy *
fidget_taxonomy_new (void)
{
  return g_object_new (FIDGET_TYPE_TAXONOMY, NULL);
}

/**
 * fidget_taxonomy_new_ma52:
 *
 * Creates the built-in MA-52 taxonomy: 7 body parts and 52 actions, all with row id 0.
 * Each call returns a new object, so a caller may extend it without affecting others.
 *
 * Returns: (transfer full): a new #FidgetTaxonomy
 */
FidgetTaxonomy *
fidget_taxonomy_new_ma52 (void)
{
  FidgetTaxonomy *self = fidget_taxonomy_new ();

  for (guint i = 0; i < fidget_ma52_n_body_parts; i++)
    {
      const FidgetBuiltinBodyPart *row = &fidget_ma52_body_parts[i];

      if (fidget_taxonomy_append_body_part (self, 0, row->code, row->name, row->color) == NULL)
        g_critical ("The built-in MA-52 table refused body part %s", row->code);
    }

  for (guint i = 0; i < fidget_ma52_n_actions; i++)
    {
      const FidgetBuiltinAction *row = &fidget_ma52_actions[i];
      const FidgetBodyPart *part;

      if (row->body_part_index < 0 || (guint)row->body_part_index >= self->body_parts->len)
        {
          g_critical ("The built-in MA-52 action %s has no body part %d",
                      row->code, row->body_part_index);
          continue;
        }

      part = g_ptr_array_index (self->body_parts, row->body_part_index);
      if (fidget_taxonomy_append_action (self, 0, row->code, row->name, row->description,
                                         part->code, row->model_index) == NULL)
        g_critical ("The built-in MA-52 table refused action %s", row->code);
    }

  return self;
}

/**
 * fidget_taxonomy_append_body_part:
 * @self: a #FidgetTaxonomy
 * @id: the row id in the project, or 0
 * @code: a short code such as "A", unique in @self without regard to case
 * @name: the untranslated name
 * @color: the segment colour as "#rrggbb"
 *
 * Appends a body part after the existing ones. The strings are copied.
 *
 * Returns: (transfer none) (nullable): the new body part, valid as long as @self, or %NULL
 *   (with a warning) when @code is already taken or @color is not "#rrggbb"
 */
const FidgetBodyPart *
fidget_taxonomy_append_body_part (FidgetTaxonomy *self,
                                  gint64          id,
                                  const char     *code,
                                  const char     *name,
                                  const char     *color)
{
  g_autofree char *lower_color = NULL;
  FidgetBodyPart *part;

  g_return_val_if_fail (FIDGET_IS_TAXONOMY (self), NULL);
  g_return_val_if_fail (code != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (color != NULL, NULL);

  if (code[0] == '\0')
    {
      g_warning ("Cannot add body part “%s”: its code is empty", name);
      return NULL;
    }

  if (g_hash_table_contains (self->body_parts_by_code, code))
    {
      g_warning ("Cannot add body part “%s”: the code “%s” is already taken", name, code);
      return NULL;
    }

  if (!is_color (color))
    {
      g_warning ("Cannot add body part “%s”: its colour “%s” is not of the form #rrggbb",
                 code, color);
      return NULL;
    }

  part = g_new0 (FidgetBodyPart, 1);
  part->id = id;
  part->code = g_string_chunk_insert (self->strings, code);
  part->name = g_string_chunk_insert (self->strings, name);
  /* One spelling for colours, so that callers can compare them as strings. */
  lower_color = g_ascii_strdown (color, -1);
  part->color = g_string_chunk_insert (self->strings, lower_color);
  part->index = self->body_parts->len;

  g_ptr_array_add (self->body_parts, part);
  g_hash_table_insert (self->body_parts_by_code, (gpointer)part->code, part);

  return part;
}

/**
 * fidget_taxonomy_append_action:
 * @self: a #FidgetTaxonomy
 * @id: the row id in the project, or 0
 * @code: a short code such as "B1", unique in @self without regard to case
 * @name: the untranslated name
 * @description: (nullable): one untranslated line on what sets the action apart
 * @body_part_code: the code of a body part already in @self (any case)
 * @model_index: the model's class index, or -1 for a project's own action
 *
 * Appends an action after the existing ones. The strings are copied.
 *
 * Returns: (transfer none) (nullable): the new action, valid as long as @self, or %NULL (with
 *   a warning) when @code, @model_index or a positive @id is already taken, or the body part
 *   is unknown
 */
const FidgetAction *
fidget_taxonomy_append_action (FidgetTaxonomy *self,
                               gint64          id,
                               const char     *code,
                               const char     *name,
                               const char     *description,
                               const char     *body_part_code,
                               int             model_index)
{
  const FidgetBodyPart *part;
  FidgetAction *action;

  g_return_val_if_fail (FIDGET_IS_TAXONOMY (self), NULL);
  g_return_val_if_fail (code != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (body_part_code != NULL, NULL);
  g_return_val_if_fail (model_index >= -1, NULL);

  if (code[0] == '\0')
    {
      g_warning ("Cannot add action “%s”: its code is empty", name);
      return NULL;
    }

  if (g_hash_table_contains (self->actions_by_code, code))
    {
      g_warning ("Cannot add action “%s”: the code “%s” is already taken", name, code);
      return NULL;
    }

  part = g_hash_table_lookup (self->body_parts_by_code, body_part_code);
  if (part == NULL)
    {
      g_warning ("Cannot add action %s: there is no body part “%s”", code, body_part_code);
      return NULL;
    }

  if (model_index >= 0 &&
      g_hash_table_contains (self->actions_by_model_index, GINT_TO_POINTER (model_index)))
    {
      const FidgetAction *other = g_hash_table_lookup (self->actions_by_model_index,
                                                       GINT_TO_POINTER (model_index));

      g_warning ("Cannot add action %s: model index %d already belongs to %s",
                 code, model_index, other->code);
      return NULL;
    }

  if (id > 0 && g_hash_table_contains (self->actions_by_id, &id))
    {
      const FidgetAction *other = g_hash_table_lookup (self->actions_by_id, &id);

      g_warning ("Cannot add action %s: row id %" G_GINT64_FORMAT " already belongs to %s",
                 code, id, other->code);
      return NULL;
    }

  action = g_new0 (FidgetAction, 1);
  action->id = id;
  action->code = g_string_chunk_insert (self->strings, code);
  action->name = g_string_chunk_insert (self->strings, name);
  /* Never NULL, so that views can show it without a check. */
  action->description = g_string_chunk_insert (self->strings,
                                               description != NULL ? description : "");
  action->body_part = part;
  action->model_index = model_index;
  action->index = self->actions->len;

  g_ptr_array_add (self->actions, action);
  g_hash_table_insert (self->actions_by_code, (gpointer)action->code, action);
  if (id > 0)
    g_hash_table_insert (self->actions_by_id, &action->id, action);
  if (model_index >= 0)
    g_hash_table_insert (self->actions_by_model_index, GINT_TO_POINTER (model_index), action);

  return action;
}

/**
 * fidget_taxonomy_get_n_body_parts:
 * @self: a #FidgetTaxonomy
 *
 * Returns: the number of body parts
 */
guint
fidget_taxonomy_get_n_body_parts (FidgetTaxonomy *self)
{
  g_return_val_if_fail (FIDGET_IS_TAXONOMY (self), 0);

  return self->body_parts->len;
}

/**
 * fidget_taxonomy_get_body_part:
 * @self: a #FidgetTaxonomy
 * @index: a position, less than fidget_taxonomy_get_n_body_parts()
 *
 * Returns: (transfer none): the body part at @index
 */
const FidgetBodyPart *
fidget_taxonomy_get_body_part (FidgetTaxonomy *self,
                               guint           index)
{
  g_return_val_if_fail (FIDGET_IS_TAXONOMY (self), NULL);
  g_return_val_if_fail (index < self->body_parts->len, NULL);

  return g_ptr_array_index (self->body_parts, index);
}

/**
 * fidget_taxonomy_lookup_body_part:
 * @self: a #FidgetTaxonomy
 * @code: (nullable): a body part code, in any case
 *
 * Returns: (transfer none) (nullable): the body part with @code, or %NULL
 */
const FidgetBodyPart *
fidget_taxonomy_lookup_body_part (FidgetTaxonomy *self,
                                  const char     *code)
{
  g_return_val_if_fail (FIDGET_IS_TAXONOMY (self), NULL);

  if (code == NULL)
    return NULL;

  return g_hash_table_lookup (self->body_parts_by_code, code);
}

/**
 * fidget_taxonomy_get_n_actions:
 * @self: a #FidgetTaxonomy
 *
 * Returns: the number of actions, a project's own ones included
 */
guint
fidget_taxonomy_get_n_actions (FidgetTaxonomy *self)
{
  g_return_val_if_fail (FIDGET_IS_TAXONOMY (self), 0);

  return self->actions->len;
}

/**
 * fidget_taxonomy_get_action:
 * @self: a #FidgetTaxonomy
 * @index: a position, less than fidget_taxonomy_get_n_actions()
 *
 * Returns: (transfer none): the action at @index in display order
 */
const FidgetAction *
fidget_taxonomy_get_action (FidgetTaxonomy *self,
                            guint           index)
{
  g_return_val_if_fail (FIDGET_IS_TAXONOMY (self), NULL);
  g_return_val_if_fail (index < self->actions->len, NULL);

  return g_ptr_array_index (self->actions, index);
}

/**
 * fidget_taxonomy_lookup_action:
 * @self: a #FidgetTaxonomy
 * @code: (nullable): an action code, in any case ("b1" finds B1)
 *
 * Returns: (transfer none) (nullable): the action with @code, or %NULL
 */
const FidgetAction *
fidget_taxonomy_lookup_action (FidgetTaxonomy *self,
                               const char     *code)
{
  g_return_val_if_fail (FIDGET_IS_TAXONOMY (self), NULL);

  if (code == NULL)
    return NULL;

  return g_hash_table_lookup (self->actions_by_code, code);
}

/**
 * fidget_taxonomy_lookup_action_by_id:
 * @self: a #FidgetTaxonomy
 * @id: a project row id
 *
 * Only positive ids are looked up: 0 is the id of every entry that is not stored in a
 * project (such as the built-in table's), so it never finds anything.
 *
 * Returns: (transfer none) (nullable): the action with @id, or %NULL
 */
const FidgetAction *
fidget_taxonomy_lookup_action_by_id (FidgetTaxonomy *self,
                                     gint64          id)
{
  g_return_val_if_fail (FIDGET_IS_TAXONOMY (self), NULL);

  if (id <= 0)
    return NULL;

  return g_hash_table_lookup (self->actions_by_id, &id);
}

/**
 * fidget_taxonomy_lookup_action_by_model_index:
 * @self: a #FidgetTaxonomy
 * @model_index: a class index of the model
 *
 * Returns: (transfer none) (nullable): the action the model calls @model_index, or %NULL;
 *   always %NULL for a negative index, since a project's own actions have no class
 */
const FidgetAction *
fidget_taxonomy_lookup_action_by_model_index (FidgetTaxonomy *self,
                                              int             model_index)
{
  g_return_val_if_fail (FIDGET_IS_TAXONOMY (self), NULL);

  if (model_index < 0)
    return NULL;

  return g_hash_table_lookup (self->actions_by_model_index, GINT_TO_POINTER (model_index));
}

/**
 * fidget_taxonomy_get_n_model_classes:
 * @self: a #FidgetTaxonomy
 *
 * Returns: the number of actions the model knows (model index >= 0): 52 for MA-52, whatever
 *   actions a project adds of its own
 */
guint
fidget_taxonomy_get_n_model_classes (FidgetTaxonomy *self)
{
  g_return_val_if_fail (FIDGET_IS_TAXONOMY (self), 0);

  return g_hash_table_size (self->actions_by_model_index);
}

/**
 * fidget_taxonomy_translate:
 * @str: (nullable): an untranslated name or description from a taxonomy
 *
 * Returns: (nullable): @str in the user's language where Fidget's catalogue has it, else @str
 */
const char *
fidget_taxonomy_translate (const char *str)
{
  /* gettext maps "" to the catalogue's header, which is never what a caller wants. */
  if (str == NULL || str[0] == '\0')
    return str;

  return g_dgettext (GETTEXT_PACKAGE, str);
}
