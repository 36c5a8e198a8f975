import{b as t}from"./common-j7QRqWEp.js";const e=document.querySelector('form.filters input[name="q"]');e&&t(e);
