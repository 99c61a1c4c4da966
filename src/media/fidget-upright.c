/* fidget-upright.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "fidget-upright.h"

GstElement *
fidget_upright_new_element (void)
{
  GstElement *flip = gst_element_factory_make ("videoflip", NULL);

  if (flip == NULL)
    return NULL;
  /* "auto": the method follows the "image-orientation" tag, identity without one. */
  gst_util_set_object_arg (G_OBJECT (flip), "video-direction", "auto");
  return flip;
}

gboolean
fidget_upright_accepts (GstElement *upright,
                        GstCaps    *caps)
{
  g_autoptr(GstPad) sinkpad = NULL;
  g_autoptr(GstCaps) accepted = NULL;

  g_return_val_if_fail (GST_IS_ELEMENT (upright), FALSE);
  g_return_val_if_fail (GST_IS_CAPS (caps), FALSE);

  sinkpad = gst_element_get_static_pad (upright, "sink");
  accepted = gst_pad_get_pad_template_caps (sinkpad);
  return gst_caps_can_intersect (caps, accepted);
}

gboolean
fidget_upright_swaps_size (const GstTagList *tags)
{
  g_autofree char *orientation = NULL;

  if (tags == NULL || !gst_tag_list_get_string (tags, GST_TAG_IMAGE_ORIENTATION, &orientation))
    return FALSE;
  return g_str_equal (orientation, "rotate-90") || g_str_equal (orientation, "rotate-270") ||
         g_str_equal (orientation, "flip-rotate-90") ||
         g_str_equal (orientation, "flip-rotate-270");
}
