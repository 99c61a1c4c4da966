/* fidget-settings.c: the application's GSettings, when its schema can be found
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fidget-settings.h"

/* g_settings_new() aborts the program when the schema is not installed, which is what happens
 * when `fidget` runs from the build tree without GSETTINGS_SCHEMA_DIR. Settings are a comfort,
 * not a need: without them Fidget forgets sizes and the last project, and says why once. */
GSettings *
fidget_settings_new (void)
{
  static gsize warned = 0;
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, FIDGET_APP_ID, TRUE);

  if (schema == NULL)
    {
      if (g_once_init_enter (&warned))
        {
          g_warning ("The settings schema %s is not installed, so Fidget will not remember "
                     "window sizes or the last project; from the build tree, set "
                     "GSETTINGS_SCHEMA_DIR to the build directory's schemas folder",
                     FIDGET_APP_ID);
          g_once_init_leave (&warned, 1);
        }
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

char *
fidget_settings_get_weights (GSettings  *settings,
                             const char *project_uuid)
{
  g_autoptr(GVariant) map = NULL;
  const char *path = NULL;

  if (settings == NULL || project_uuid == NULL)
    return NULL;
  map = g_settings_get_value (settings, "model-weights");
  if (!g_variant_lookup (map, project_uuid, "&s", &path) || path[0] == '\0')
    return NULL;
  return g_strdup (path);
}

void
fidget_settings_set_weights (GSettings  *settings,
                             const char *project_uuid,
                             const char *path)
{
  g_autoptr(GVariant) map = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *key, *value;

  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (project_uuid != NULL);

  map = g_settings_get_value (settings, "model-weights");
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  g_variant_iter_init (&iter, map);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    if (g_strcmp0 (key, project_uuid) != 0)
      g_variant_builder_add (&builder, "{ss}", key, value);
  if (path != NULL && path[0] != '\0')
    g_variant_builder_add (&builder, "{ss}", project_uuid, path);
  g_settings_set_value (settings, "model-weights", g_variant_builder_end (&builder));
}
