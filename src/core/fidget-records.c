/* fidget-records.c: copy and free of the plain records
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fidget-records.h"

static const char *const emotion_names[] = {
  [FIDGET_EMOTION_NONE] = NULL,
  [FIDGET_EMOTION_JOY] = "joy",
  [FIDGET_EMOTION_SADNESS] = "sadness",
  [FIDGET_EMOTION_SURPRISE] = "surprise",
  [FIDGET_EMOTION_FEAR] = "fear",
  [FIDGET_EMOTION_ANGER] = "anger",
};

const char *
fidget_emotion_to_string (FidgetEmotion emotion)
{
  if ((guint) emotion >= G_N_ELEMENTS (emotion_names))
    return NULL;
  return emotion_names[emotion];
}

/* Accepts NULL, "" and "none" as no emotion. */
gboolean
fidget_emotion_from_string (const char    *str,
                            FidgetEmotion *emotion)
{
  if (str == NULL || str[0] == '\0' || g_ascii_strcasecmp (str, "none") == 0)
    {
      *emotion = FIDGET_EMOTION_NONE;
      return TRUE;
    }
  for (guint i = 1; i < G_N_ELEMENTS (emotion_names); i++)
    {
      if (g_ascii_strcasecmp (str, emotion_names[i]) == 0)
        {
          *emotion = (FidgetEmotion) i;
          return TRUE;
        }
    }
  return FALSE;
}

FidgetParticipant *
fidget_participant_copy (const FidgetParticipant *self)
{
  FidgetParticipant *copy = g_new (FidgetParticipant, 1);

  *copy = *self;
  copy->uuid = g_strdup (self->uuid);
  copy->code = g_strdup (self->code);
  copy->gender = g_strdup (self->gender);
  copy->age_group = g_strdup (self->age_group);
  copy->notes = g_strdup (self->notes);
  return copy;
}

void
fidget_participant_free (FidgetParticipant *self)
{
  if (self == NULL)
    return;
  g_free (self->uuid);
  g_free (self->code);
  g_free (self->gender);
  g_free (self->age_group);
  g_free (self->notes);
  g_free (self);
}

FidgetAnnotator *
fidget_annotator_copy (const FidgetAnnotator *self)
{
  FidgetAnnotator *copy = g_new (FidgetAnnotator, 1);

  *copy = *self;
  copy->uuid = g_strdup (self->uuid);
  copy->name = g_strdup (self->name);
  return copy;
}

void
fidget_annotator_free (FidgetAnnotator *self)
{
  if (self == NULL)
    return;
  g_free (self->uuid);
  g_free (self->name);
  g_free (self);
}

FidgetVideo *
fidget_video_new (void)
{
  return g_new0 (FidgetVideo, 1);
}

FidgetVideo *
fidget_video_copy (const FidgetVideo *self)
{
  FidgetVideo *copy = g_new (FidgetVideo, 1);

  *copy = *self;
  copy->uuid = g_strdup (self->uuid);
  copy->participant_code = g_strdup (self->participant_code);
  copy->path = g_strdup (self->path);
  copy->content_hash = g_strdup (self->content_hash);
  copy->container = g_strdup (self->container);
  copy->video_codec = g_strdup (self->video_codec);
  return copy;
}

void
fidget_video_free (FidgetVideo *self)
{
  if (self == NULL)
    return;
  g_free (self->uuid);
  g_free (self->participant_code);
  g_free (self->path);
  g_free (self->content_hash);
  g_free (self->container);
  g_free (self->video_codec);
  g_free (self);
}

double
fidget_video_get_fps (const FidgetVideo *self)
{
  if (self->fps_den <= 0)
    return 0.0;
  return (double) self->fps_num / (double) self->fps_den;
}

/* Exact: frame * den / num, computed in integers first so long videos keep their precision. */
double
fidget_video_frame_to_seconds (const FidgetVideo *self,
                               gint64             frame)
{
  if (self->fps_num <= 0)
    return 0.0;
  return (double) (frame * self->fps_den) / (double) self->fps_num;
}

FidgetSegment *
fidget_segment_new (void)
{
  return g_new0 (FidgetSegment, 1);
}

FidgetSegment *
fidget_segment_copy (const FidgetSegment *self)
{
  FidgetSegment *copy = g_new (FidgetSegment, 1);

  *copy = *self;
  copy->uuid = g_strdup (self->uuid);
  copy->annotator_name = g_strdup (self->annotator_name);
  copy->action_code = g_strdup (self->action_code);
  copy->note = g_strdup (self->note);
  return copy;
}

void
fidget_segment_free (FidgetSegment *self)
{
  if (self == NULL)
    return;
  g_free (self->uuid);
  g_free (self->annotator_name);
  g_free (self->action_code);
  g_free (self->note);
  g_free (self);
}

FidgetAuditEntry *
fidget_audit_entry_copy (const FidgetAuditEntry *self)
{
  FidgetAuditEntry *copy = g_new (FidgetAuditEntry, 1);

  *copy = *self;
  copy->actor = g_strdup (self->actor);
  copy->operation = g_strdup (self->operation);
  copy->entity = g_strdup (self->entity);
  copy->entity_uuid = g_strdup (self->entity_uuid);
  copy->detail = g_strdup (self->detail);
  return copy;
}

void
fidget_audit_entry_free (FidgetAuditEntry *self)
{
  if (self == NULL)
    return;
  g_free (self->actor);
  g_free (self->operation);
  g_free (self->entity);
  g_free (self->entity_uuid);
  g_free (self->detail);
  g_free (self);
}

G_DEFINE_BOXED_TYPE (FidgetParticipant, fidget_participant, fidget_participant_copy, fidget_participant_free)
G_DEFINE_BOXED_TYPE (FidgetAnnotator, fidget_annotator, fidget_annotator_copy, fidget_annotator_free)
G_DEFINE_BOXED_TYPE (FidgetVideo, fidget_video, fidget_video_copy, fidget_video_free)
G_DEFINE_BOXED_TYPE (FidgetSegment, fidget_segment, fidget_segment_copy, fidget_segment_free)
G_DEFINE_BOXED_TYPE (FidgetAuditEntry, fidget_audit_entry, fidget_audit_entry_copy, fidget_audit_entry_free)
