/* fidget-records.h: plain records read from and written to a project
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Emotions a segment may carry (optional, as MA-52's emotion annotations). */
typedef enum
{
  FIDGET_EMOTION_NONE,
  FIDGET_EMOTION_JOY,
  FIDGET_EMOTION_SADNESS,
  FIDGET_EMOTION_SURPRISE,
  FIDGET_EMOTION_FEAR,
  FIDGET_EMOTION_ANGER,
} FidgetEmotion;

const char   *fidget_emotion_to_string   (FidgetEmotion emotion);
gboolean      fidget_emotion_from_string (const char    *str,
                                          FidgetEmotion *emotion);

typedef struct
{
  gint64  id;
  char   *uuid;
  char   *code;        /* e.g. "P001", unique in a project */
  char   *gender;      /* "female", "male", "other" or NULL when not recorded */
  char   *age_group;   /* free text such as "18-25", or NULL */
  char   *notes;
  gint64  created_us;
} FidgetParticipant;

typedef struct
{
  gint64  id;
  char   *uuid;
  char   *name;        /* unique in a project, compared without case */
  gint64  created_us;
} FidgetAnnotator;

typedef struct
{
  gint64    id;
  char     *uuid;
  gint64    participant_id;    /* 0 when the video has no participant */
  char     *participant_code;  /* NULL when the video has no participant */
  char     *path;              /* as stored: relative to the project's folder when possible */
  char     *content_hash;      /* "sha256:" and 64 hex digits of the whole file */
  gint64    size_bytes;
  char     *container;         /* human-readable, e.g. "Matroska" */
  char     *video_codec;       /* human-readable, e.g. "H.264 (High Profile)" */
  int       width;
  int       height;
  int       fps_num;           /* exact frame rate of the decoded stream, as a fraction */
  int       fps_den;
  gint64    frame_count;       /* frames the decoder delivers: the unit of all segment times */
  gint64    duration_ns;
  gboolean  has_audio;
  gint64    imported_us;
} FidgetVideo;

typedef struct
{
  gint64         id;
  char          *uuid;
  gint64         video_id;
  gint64         annotator_id;
  char          *annotator_name;
  gint64         start_frame;  /* first frame of the segment */
  gint64         end_frame;    /* one past its last frame: [start, end) */
  gint64         action_id;
  char          *action_code;
  FidgetEmotion  emotion;
  char          *note;
  gboolean       flagged;      /* "needs another look" */
  gint64         created_us;
  gint64         modified_us;
} FidgetSegment;

typedef struct
{
  gint64  id;
  gint64  at_us;
  char   *actor;       /* annotator name, or NULL when nobody was named */
  char   *operation;   /* "add", "update", "delete", "undo", "redo", "import", ... */
  char   *entity;      /* "segment", "video", "participant", "annotator", "action" */
  char   *entity_uuid;
  char   *detail;      /* JSON */
} FidgetAuditEntry;

#define FIDGET_TYPE_PARTICIPANT (fidget_participant_get_type ())
#define FIDGET_TYPE_ANNOTATOR   (fidget_annotator_get_type ())
#define FIDGET_TYPE_VIDEO       (fidget_video_get_type ())
#define FIDGET_TYPE_SEGMENT     (fidget_segment_get_type ())
#define FIDGET_TYPE_AUDIT_ENTRY (fidget_audit_entry_get_type ())

GType              fidget_participant_get_type (void) G_GNUC_CONST;
FidgetParticipant *fidget_participant_copy     (const FidgetParticipant *self);
void               fidget_participant_free     (FidgetParticipant       *self);

GType              fidget_annotator_get_type   (void) G_GNUC_CONST;
FidgetAnnotator   *fidget_annotator_copy       (const FidgetAnnotator   *self);
void               fidget_annotator_free       (FidgetAnnotator         *self);

GType              fidget_video_get_type       (void) G_GNUC_CONST;
FidgetVideo       *fidget_video_new            (void);
FidgetVideo       *fidget_video_copy           (const FidgetVideo       *self);
void               fidget_video_free           (FidgetVideo             *self);
double             fidget_video_get_fps        (const FidgetVideo       *self);
double             fidget_video_frame_to_seconds (const FidgetVideo     *self,
                                                  gint64                 frame);

GType              fidget_segment_get_type     (void) G_GNUC_CONST;
FidgetSegment     *fidget_segment_new          (void);
FidgetSegment     *fidget_segment_copy         (const FidgetSegment     *self);
void               fidget_segment_free         (FidgetSegment           *self);

GType              fidget_audit_entry_get_type (void) G_GNUC_CONST;
FidgetAuditEntry  *fidget_audit_entry_copy     (const FidgetAuditEntry  *self);
void               fidget_audit_entry_free     (FidgetAuditEntry        *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetParticipant, fidget_participant_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetAnnotator, fidget_annotator_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetVideo, fidget_video_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetSegment, fidget_segment_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FidgetAuditEntry, fidget_audit_entry_free)

G_END_DECLS
